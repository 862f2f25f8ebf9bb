import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver, Root, Subscription } from "type-graphql";
import type { SubscribeResolverData } from "type-graphql";
import { requireUser } from "../auth/guards.js";
import { Role, User } from "../auth/user.entity.js";
import type { Context } from "../context.js";
import { Course } from "../courses/course.entity.js";
import { MessageAddedArgs } from "../messages/message.args.js";
import { type MessagePayload, MessageView } from "../messages/message.type.js";
import type { DeletionEvent } from "../realtime/replay.js";
import { AdminMessagesArgs, MessagePage, MessageRecord, RoomEvent, RoomEventKind, RoomSettingsArgs } from "./moderation.types.js";

/** What `roomEvents` resolves an event to; see resolveSubscriptionsSynchronously. */
export function renderRoomEvent(event: MessagePayload | DeletionEvent): RoomEvent {
  return event.kind === "added"
    ? { kind: RoomEventKind.MessageAdded, messageId: event.id, message: MessageView.fromPayload(event) }
    : { kind: RoomEventKind.MessageDeleted, messageId: event.id, message: null };
}

@Resolver()
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

  @Mutation(() => Course, { description: "Removes a student from a course (staff, the instructor): their open subscriptions end with FORBIDDEN." })
  removeStudent(
    @Arg("courseId", () => ID, { description: "The course." }) courseId: string,
    @Arg("userId", () => ID, { description: "The student to remove." }) userId: string,
    @Ctx() ctx: Context,
  ): Promise<Course> {
    return ctx.services.moderation.removeStudent(ctx.em, requireUser(ctx), courseId, userId);
  }

  @Mutation(() => Course, { description: "Leaves a course: the room closes for the caller at once." })
  leaveCourse(@Arg("courseId", () => ID, { description: "The course to leave." }) courseId: string, @Ctx() ctx: Context): Promise<Course> {
    return ctx.services.moderation.leaveCourse(ctx.em, requireUser(ctx), courseId);
  }

  @Mutation(() => Course, { description: "Announcement-only and slow mode for a room (staff, the instructor)." })
  updateRoomSettings(@Args(() => RoomSettingsArgs) args: RoomSettingsArgs, @Ctx() ctx: Context): Promise<Course> {
    return ctx.services.moderation.updateRoomSettings(ctx.em, requireUser(ctx), args.courseId, args);
  }

  @Subscription(() => RoomEvent, {
    description:
      "The room as a stream of changes in one order: messages added (as messageAdded, including the replay with `after`) " +
      "and messages deleted by moderators. Ends with FORBIDDEN when the subscriber loses the room. Members only.",
    subscribe: ({ args, context }: SubscribeResolverData<unknown, MessageAddedArgs, Context>) =>
      context.services.messages.roomStream(requireUser(context), args.courseId, args.after),
  })
  roomEvents(@Root() event: MessagePayload | DeletionEvent, @Args(() => MessageAddedArgs) _args: MessageAddedArgs): RoomEvent {
    return renderRoomEvent(event);
  }
}
