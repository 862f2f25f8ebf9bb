import { GraphQLDateTimeISO } from "graphql-scalars";
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root, Subscription } from "type-graphql";
import type { SubscribeResolverData } from "type-graphql";
import { requireUser } from "../auth/guards.js";
import { User } from "../auth/user.entity.js";
import type { Context } from "../context.js";
import { Course } from "../courses/course.entity.js";
import { ForbiddenError } from "../errors.js";
import type { MessageData } from "../messages/message-data.js";
import { MessageView } from "../messages/message.type.js";
import { ReadStateLoader } from "./read-state.loader.js";
import type { RoomUpdateData } from "./home-stream.js";
import type { RoomReadState } from "./read-state.service.js";
import { renderRoomUpdate, RoomUpdateView } from "./room-update.type.js";

/** Badges show at most this; the counts themselves stay exact. */
export const BADGE_CAP = 99;

function loader(ctx: Context): ReadStateLoader | null {
  if (!ctx.user) return null;
  return (ctx.readState ??= new ReadStateLoader(ctx.services.readState, ctx.services.messages, ctx.em, ctx.user));
}

function state(ctx: Context, course: Course): Promise<RoomReadState | null> {
  return loader(ctx)?.state(course.id) ?? Promise.resolve(null);
}

export function badgeOf(count: number): string {
  return count > BADGE_CAP ? `${BADGE_CAP}+` : String(count);
}

@Resolver(() => Course)
export class ReadStateResolver {
  @Mutation(() => Course, {
    description:
      "Moves the current user's read marker in the room forward to `messageId` (never back: an older id changes nothing). " +
      "Call it as messages are seen; positions are gathered and written at most a few times a second, and every device of the user hears of it over `myRoomsUpdated`. " +
      "Members only (FORBIDDEN otherwise); `messageId` must be a message of the room the user may read (BAD_USER_INPUT otherwise).",
  })
  async markRead(
    @Arg("courseId", () => ID, { description: "The room." }) courseId: string,
    @Arg("messageId", () => ID, { description: "The latest message seen." }) messageId: string,
    @Ctx() ctx: Context,
  ): Promise<Course> {
    const id = await ctx.services.readState.markRead(ctx.em, requireUser(ctx), courseId, messageId);
    return this.course(ctx, id);
  }

  @Mutation(() => Course, {
    description:
      "Sets the current user's read marker just before `messageId`, backwards or forwards: that message and everything after it become unread (\"mark as unread\"). Same rules as markRead.",
  })
  async markUnread(
    @Arg("courseId", () => ID, { description: "The room." }) courseId: string,
    @Arg("messageId", () => ID, { description: "The first message to show as unread." }) messageId: string,
    @Ctx() ctx: Context,
  ): Promise<Course> {
    const id = await ctx.services.readState.markUnread(ctx.em, requireUser(ctx), courseId, messageId);
    return this.course(ctx, id);
  }

  @FieldResolver(() => ID, { nullable: true, description: "The last message the current user read here; null when none yet, or not a member." })
  async lastReadMessageId(@Root() course: Course, @Ctx() ctx: Context): Promise<string | null> {
    const found = await state(ctx, course);
    return found && found.lastReadMessageId > 0 ? String(found.lastReadMessageId) : null;
  }

  @FieldResolver(() => ID, {
    nullable: true,
    description: "The first unread message (where a \"New messages\" divider goes; `messages(after:)` with lastReadMessageId pages from there); null when all is read, or not a member.",
  })
  async firstUnreadMessageId(@Root() course: Course, @Ctx() ctx: Context): Promise<string | null> {
    const found = await state(ctx, course);
    return found?.firstUnreadMessageId ? String(found.firstUnreadMessageId) : null;
  }

  @FieldResolver(() => Int, {
    nullable: true,
    description:
      "Messages after the current user's read marker, exact: not their own, not deleted ones, not private questions they may not see. Null when not a member.",
  })
  async unreadCount(@Root() course: Course, @Ctx() ctx: Context): Promise<number | null> {
    return (await state(ctx, course))?.unreadCount ?? null;
  }

  @FieldResolver(() => Int, { nullable: true, description: "Of the unread messages, those that mention the current user (by name, @instructor or @staff). Null when not a member." })
  async mentionCount(@Root() course: Course, @Ctx() ctx: Context): Promise<number | null> {
    return (await state(ctx, course))?.mentionCount ?? null;
  }

  @FieldResolver(() => String, { nullable: true, description: `unreadCount as a badge shows it: "0" to "${BADGE_CAP}", then "${BADGE_CAP}+". Null when not a member.` })
  async unreadBadge(@Root() course: Course, @Ctx() ctx: Context): Promise<string | null> {
    const found = await state(ctx, course);
    return found ? badgeOf(found.unreadCount) : null;
  }

  @FieldResolver(() => MessageView, {
    nullable: true,
    description: "The room's latest message the current user may read (its preview for a course list), as `messages` shows it; null when none, or not a member.",
  })
  async lastMessage(@Root() course: Course, @Ctx() ctx: Context): Promise<MessageData | null> {
    return (await loader(ctx)?.lastMessage(course.id))?.message ?? null;
  }

  @FieldResolver(() => GraphQLDateTimeISO, {
    nullable: true,
    description: "When the room last had activity the current user may see: its latest message, else the course's creation (`myCourses(orderBy: ACTIVITY)` sorts by it). Null when not a member.",
  })
  async lastActivityAt(@Root() course: Course, @Ctx() ctx: Context): Promise<Date | null> {
    const found = await loader(ctx)?.lastMessage(course.id);
    return found ? new Date(found.at) : null;
  }

  private async course(ctx: Context, id: number): Promise<Course> {
    const course = await ctx.services.courses.find(ctx.em, String(id));
    if (!course) throw new ForbiddenError();
    return course;
  }
}

@Resolver(() => RoomUpdateView)
export class RoomUpdatesResolver {
  @Subscription(() => RoomUpdateView, {
    description:
      "The home screen's one stream: for every course the current user is enrolled in or teaches, its counts and latest message — first for every room " +
      "(or, with `after`, for each room changed since that cursor), then whenever a message arrives, is edited or deleted there, the user's read marker moves " +
      "(on any device, any instance), or they join or leave a room. Each update is the room's whole state as the user may see it now.",
    subscribe: ({ args, context }: SubscribeResolverData<unknown, { after?: string | null }, Context>) =>
      context.services.homeStreams.open(requireUser(context), args.after),
  })
  myRoomsUpdated(
    @Root() update: RoomUpdateData,
    @Arg("after", () => ID, { nullable: true, description: "The cursor of the last update received: resume from there instead of receiving every room." }) _after: string | null,
  ): RoomUpdateView {
    return renderRoomUpdate(update, badgeOf);
  }
}

@Resolver(() => User)
export class UserReadStateResolver {
  @FieldResolver(() => Int, {
    nullable: true,
    description: "On `me`: unread messages across the courses the user is enrolled in or teaches (the sum of their unreadCount), for an app badge. Null on any other user.",
  })
  async totalUnreadCount(@Root() user: User, @Ctx() ctx: Context): Promise<number | null> {
    return (await totals(user, ctx))?.unread ?? null;
  }

  @FieldResolver(() => Int, { nullable: true, description: "On `me`: unread mentions across the courses the user is enrolled in or teaches. Null on any other user." })
  async totalMentionCount(@Root() user: User, @Ctx() ctx: Context): Promise<number | null> {
    return (await totals(user, ctx))?.mentions ?? null;
  }
}

/**
 * Only for the user entity `me` (and login's answer) hands out: a message's author is a plain
 * object, and a shared subscription rendering must never carry one viewer's counts.
 */
async function totals(user: User, ctx: Context): Promise<{ unread: number; mentions: number } | null> {
  if (!(user instanceof User) || !ctx.user || user.id !== ctx.user.id) return null;
  ctx.readTotals ??= (async () => {
    // Every room of the member in one read (a home screen's myCourses shares it).
    const states = await ctx.services.readState.memberStates(ctx.em, ctx.user!);
    return [...states.values()].reduce((sum, s) => ({ unread: sum.unread + s.unreadCount, mentions: sum.mentions + s.mentionCount }), { unread: 0, mentions: 0 });
  })();
  return ctx.readTotals;
}
