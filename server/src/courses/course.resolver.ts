import { type GraphQLResolveInfo, Kind, type SelectionSetNode } from "graphql";
import { Arg, Args, ArgsType, Authorized, Field, Ctx, FieldResolver, ID, Info, Mutation, Query, registerEnumType, Resolver, Root } from "type-graphql";
import { isStaff } from "../auth/current-user.js";
import { requireUser } from "../auth/guards.js";
import { Role, User } from "../auth/user.entity.js";
import type { Context } from "../context.js";
import { Course } from "./course.entity.js";
import type { CourseOrderData } from "./course.service.js";

export enum CourseOrder {
  ID = "ID",
  ACTIVITY = "ACTIVITY",
}
registerEnumType(CourseOrder, {
  name: "CourseOrder",
  description: "How `myCourses` is ordered.",
  valuesConfig: {
    ID: { description: "Oldest course first (the default, as before)." },
    ACTIVITY: { description: "Latest activity first: the room's latest message the user may read, else the course's creation (see `Course.lastActivityAt`)." },
  },
});

@ArgsType()
class CreateCourseArgs {
  @Field(() => String, { description: "1 to 200 characters; the slug is derived from it." })
  title!: string;

  @Field(() => String, { nullable: true, description: "What the course is about." })
  overview?: string | null;
}

/** The names of the fields asked of the resolved value, through fragments too (directives aside). */
function selectedFields(info: GraphQLResolveInfo): Set<string> {
  const names = new Set<string>();
  const visit = (set: SelectionSetNode | undefined): void => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD) names.add(selection.name.value);
      else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet);
      else visit(info.fragments[selection.name.value]?.selectionSet);
    }
  };
  for (const node of info.fieldNodes) visit(node.selectionSet);
  return names;
}

@Resolver(() => Course)
export class CourseResolver {
  @Query(() => [Course], { description: "The catalogue: every course, for anyone." })
  courses(@Ctx() ctx: Context): Promise<Course[]> {
    return ctx.services.courses.catalogue(ctx.em);
  }

  @Query(() => Course, { nullable: true, description: "One course of the catalogue; null when there is no such course." })
  course(@Arg("id", () => ID, { description: "The course's id." }) id: string, @Ctx() ctx: Context): Promise<Course | null> {
    return ctx.services.courses.find(ctx.em, id);
  }

  @Query(() => [Course], { description: "Courses the current user is enrolled in or teaches." })
  myCourses(
    @Arg("orderBy", () => CourseOrder, { defaultValue: CourseOrder.ID, description: "ID (oldest course first) or ACTIVITY (latest activity first)." }) orderBy: CourseOrder,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Course[]> {
    return ctx.services.courses.myCourses(ctx.em, requireUser(ctx), orderBy as CourseOrderData, selectedFields(info));
  }

  @Authorized(Role.Instructor, Role.Staff)
  @Mutation(() => Course, { description: "Instructors and staff only; the caller becomes the course's owner." })
  createCourse(@Args(() => CreateCourseArgs) { title, overview }: CreateCourseArgs, @Ctx() ctx: Context): Promise<Course> {
    return ctx.services.courses.create(ctx.em, requireUser(ctx), title, overview ?? "");
  }

  @Mutation(() => Course, {
    description:
      "Enrols the current user in a course; enrolling twice changes nothing. A student a moderator removed is FORBIDDEN " +
      "with `extensions.reason: \"REMOVED\"` until re-admitted; a course that does not exist is FORBIDDEN too.",
  })
  enroll(@Arg("courseId", () => ID, { description: "The course to join." }) courseId: string, @Ctx() ctx: Context): Promise<Course> {
    return ctx.services.courses.enroll(ctx.em, requireUser(ctx), courseId);
  }

  @FieldResolver(() => User, { description: "The instructor who teaches the course." })
  async owner(@Root() course: Course, @Ctx() ctx: Context): Promise<User> {
    return ctx.em.populate(course, ["owner"]).then((c) => c.owner);
  }

  @FieldResolver(() => Boolean, {
    description: "True when a moderator removed the current user from this course: they cannot enrol again until its instructor or staff re-admits them.",
  })
  async isRemoved(@Root() course: Course, @Ctx() ctx: Context): Promise<boolean> {
    if (!ctx.user) return false;
    ctx.removedCourseIds ??= ctx.services.courses.removedCourseIds(ctx.em, ctx.user);
    return (await ctx.removedCourseIds).has(course.id);
  }

  @FieldResolver(() => Boolean, { description: "True when the current user is enrolled in this course or teaches it." })
  async isMember(@Root() course: Course, @Ctx() ctx: Context): Promise<boolean> {
    if (!ctx.user) return false;
    if (isStaff(ctx.user) || course.owner.id === ctx.user.id) return true;
    ctx.memberCourseIds ??= ctx.services.courses.memberCourseIds(ctx.em, ctx.user);
    return (await ctx.memberCourseIds).has(course.id);
  }
}
