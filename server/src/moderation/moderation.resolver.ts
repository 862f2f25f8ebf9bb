import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import { requireUser } from "../auth/guards.js";
import { Role, User } from "../auth/user.entity.js";
import type { Context } from "../context.js";
import { Course } from "../courses/course.entity.js";
import { MessageVersion } from "../messages/message-version.entity.js";
import { AuthorReveal } from "../questions/author-reveal.entity.js";
import { AdminMessagesArgs, AuthorRevealView, MessagePage, MessageRecord, MessageVersionView, RoomSettingsArgs } from "./moderation.types.js";

@Resolver(() => MessageRecord)
export class ModerationResolver {
  @Authorized(Role.Instructor, Role.Staff)
  @Query(() => MessagePage, {
    description: "The message admin: staff see every course, instructors the courses they own. Newest first, filtered and searchable.",
  })
  adminMessages(@Args(() => AdminMessagesArgs) args: AdminMessagesArgs, @Ctx() ctx: Context): Promise<MessagePage> {
    return ctx.services.moderation.list(ctx.em, requireUser(ctx), args.filter ?? {}, args.first ?? 50, args.after);
  }

  @Query(() => [User], { description: "A course's enrolled students. Staff and the course's instructor only." })
  async courseStudents(@Arg("courseId", () => ID, { description: "The course." }) courseId: string, @Ctx() ctx: Context): Promise<User[]> {
    const access = await ctx.services.courses.requireModerator(ctx.em, requireUser(ctx), courseId);
    const course = await ctx.em.findOneOrFail(Course, { id: access.courseId }, { populate: ["students"] });
    return course.students.getItems().sort((a, b) => a.username.localeCompare(b.username));
  }

  @Mutation(() => MessageRecord, {
    description: "Deletes a message for everyone: staff, the course's instructor, or its author within 15 minutes. Open rooms drop it live.",
  })
  deleteMessage(@Arg("messageId", () => ID, { description: "The message to delete." }) messageId: string, @Ctx() ctx: Context): Promise<MessageRecord> {
    return ctx.services.moderation.deleteMessage(ctx.em, requireUser(ctx), messageId);
  }

  @Mutation(() => Course, {
    description: "Removes a student from a course (staff, the instructor): their open subscriptions end with FORBIDDEN, and they cannot enrol again until re-admitted.",
  })
  removeStudent(
    @Arg("courseId", () => ID, { description: "The course." }) courseId: string,
    @Arg("userId", () => ID, { description: "The student to remove." }) userId: string,
    @Ctx() ctx: Context,
  ): Promise<Course> {
    return ctx.services.moderation.removeStudent(ctx.em, requireUser(ctx), courseId, userId);
  }

  @Mutation(() => Course, {
    description: "Re-admits a student a moderator removed (staff, the instructor): enrolled again, and free to leave and rejoin as any student.",
  })
  readmitStudent(
    @Arg("courseId", () => ID, { description: "The course." }) courseId: string,
    @Arg("userId", () => ID, { description: "The removed student." }) userId: string,
    @Ctx() ctx: Context,
  ): Promise<Course> {
    return ctx.services.moderation.readmitStudent(ctx.em, requireUser(ctx), courseId, userId);
  }

  @Query(() => [User], { description: "The students moderators removed from a course, who cannot rejoin by themselves. Staff and the course's instructor only." })
  removedStudents(@Arg("courseId", () => ID, { description: "The course." }) courseId: string, @Ctx() ctx: Context): Promise<User[]> {
    return ctx.services.moderation.removedStudents(ctx.em, requireUser(ctx), courseId);
  }

  @Mutation(() => Course, { description: "Leaves a course: the room closes for the caller at once. Leaving is not a removal: the student may enrol again." })
  leaveCourse(@Arg("courseId", () => ID, { description: "The course to leave." }) courseId: string, @Ctx() ctx: Context): Promise<Course> {
    return ctx.services.moderation.leaveCourse(ctx.em, requireUser(ctx), courseId);
  }

  @Mutation(() => Course, { description: "Announcement-only and slow mode for a room (staff, the instructor)." })
  updateRoomSettings(@Args(() => RoomSettingsArgs) args: RoomSettingsArgs, @Ctx() ctx: Context): Promise<Course> {
    return ctx.services.moderation.updateRoomSettings(ctx.em, requireUser(ctx), args.courseId, args);
  }

  @FieldResolver(() => [AuthorRevealView], { description: "Each time a moderator revealed this anonymous message's author: who, and when." })
  async reveals(@Root() record: MessageRecord, @Ctx() ctx: Context): Promise<AuthorRevealView[]> {
    const rows = await ctx.em.find(AuthorReveal, { message: Number(record.id) }, { populate: ["revealedBy"], orderBy: { id: "asc" }, disableIdentityMap: true });
    return rows.map((row) => ({ revealedBy: row.revealedBy, revealedAt: row.revealedAt }));
  }

  @FieldResolver(() => [MessageVersionView], { description: "What it said before each edit, oldest first (the current text is `content`)." })
  async versions(@Root() record: MessageRecord, @Ctx() ctx: Context): Promise<MessageVersionView[]> {
    const rows = await ctx.em.find(MessageVersion, { message: Number(record.id) }, { orderBy: { id: "asc" }, disableIdentityMap: true });
    return rows.map((row) => ({ content: row.content, replacedAt: row.replacedAt }));
  }
}
