import { Arg, Args, ArgsType, Authorized, Field, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import { isStaff } from "../auth/current-user.js";
import { requireUser } from "../auth/guards.js";
import { Role, User } from "../auth/user.entity.js";
import type { Context } from "../context.js";
import { Course } from "./course.entity.js";

@ArgsType()
class CreateCourseArgs {
  @Field(() => String, { description: "1 to 200 characters; the slug is derived from it." })
  title!: string;

  @Field(() => String, { nullable: true, description: "What the course is about." })
  overview?: string | null;
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
  myCourses(@Ctx() ctx: Context): Promise<Course[]> {
    return ctx.services.courses.myCourses(ctx.em, requireUser(ctx));
  }

  @Authorized(Role.Instructor, Role.Staff)
  @Mutation(() => Course, { description: "Instructors and staff only; the caller becomes the course's owner." })
  createCourse(@Args(() => CreateCourseArgs) { title, overview }: CreateCourseArgs, @Ctx() ctx: Context): Promise<Course> {
    return ctx.services.courses.create(ctx.em, requireUser(ctx), title, overview ?? "");
  }

  @Mutation(() => Course, { description: "Enrols the current user in a course; enrolling twice changes nothing." })
  enroll(@Arg("courseId", () => ID, { description: "The course to join." }) courseId: string, @Ctx() ctx: Context): Promise<Course> {
    return ctx.services.courses.enroll(ctx.em, requireUser(ctx), courseId);
  }

  @FieldResolver(() => User, { description: "The instructor who teaches the course." })
  async owner(@Root() course: Course, @Ctx() ctx: Context): Promise<User> {
    return ctx.em.populate(course, ["owner"]).then((c) => c.owner);
  }

  @FieldResolver(() => Boolean, { description: "True when the current user is enrolled in this course or teaches it." })
  async isMember(@Root() course: Course, @Ctx() ctx: Context): Promise<boolean> {
    if (!ctx.user) return false;
    if (isStaff(ctx.user) || course.owner.id === ctx.user.id) return true;
    ctx.memberCourseIds ??= ctx.services.courses.memberCourseIds(ctx.em, ctx.user);
    return (await ctx.memberCourseIds).has(course.id);
  }
}
