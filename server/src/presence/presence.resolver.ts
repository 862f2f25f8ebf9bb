import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Int, Mutation, ObjectType, Resolver, Root, Subscription, registerEnumType } from "type-graphql";
import type { SubscribeResolverData } from "type-graphql";
import { requireUser } from "../auth/guards.js";
import { User } from "../auth/user.entity.js";
import type { Context } from "../context.js";
import { Course } from "../courses/course.entity.js";
import type { Author } from "../messages/message-data.js";
import type { PresenceCounts, PresenceUpdateData, RoomPresence } from "./presence.service.js";
import { TYPING_EXPIRY_MS, TYPING_RENEWAL_SECONDS, type TypingUpdateData } from "./typing.service.js";

export enum PresenceKind {
  JOINED = "JOINED",
  LEFT = "LEFT",
  CURRENT = "CURRENT",
  CHANGED = "CHANGED",
}
registerEnumType(PresenceKind, {
  name: "PresenceKind",
  description: "A member came into the room or left it, or (opening a subscription with withCurrent) who is in it.",
  valuesConfig: {
    JOINED: { description: "They opened the room (their first open room stream, on any device)." },
    LEFT: { description: "Their last open room stream closed, on every device and instance (or the instance serving it stopped answering)." },
    CURRENT: { description: "The first event of presenceUpdates(withCurrent: true), and only that: everyone in the room now, in `online`." },
    CHANGED: {
      description:
        "presenceUpdates(batched: true) only: who came and went since the last update, at most one a second: `joined` is in the room now, `left` is gone (someone who came and went meanwhile is listed where they ended up).",
    },
  },
});

@ObjectType("PresenceCounts", { description: "How many members are in the room right now." })
export class PresenceCountsView implements PresenceCounts {
  @Field(() => Int, { description: "Everyone present, each counted once whatever their devices." })
  online!: number;

  @Field(() => Int, { description: "Present members other than staff and the course's instructor." })
  students!: number;

  @Field(() => Int, { description: "Present staff and the course's instructor." })
  staff!: number;
}

@ObjectType("PresenceUpdate", { description: "A join or leave in a room, or who is in it as the subscription opens; live only: presence is never stored or replayed." })
export class PresenceUpdateView implements PresenceUpdateData {
  @Field(() => ID, { description: "The room." })
  courseId!: string;

  @Field(() => PresenceKind, { description: "JOINED or LEFT; CURRENT for the opening list when subscribed with withCurrent; CHANGED, instead of JOINED and LEFT, when subscribed with batched." })
  kind!: PresenceUpdateData["kind"];

  @Field(() => User, { description: "Who came or went; for CURRENT, the subscriber; for CHANGED, the first of `joined`, else of `left`." })
  user!: Author;

  @Field(() => PresenceCountsView, { description: "The room's counts just after it (for CURRENT, now)." })
  counts!: PresenceCounts;

  @Field(() => [User], { nullable: true, description: "For CURRENT only: every member in the room now, each once, by name (as Course.online). Null for other kinds." })
  online?: Author[];

  @Field(() => [User], { nullable: true, description: "For CHANGED only: of those who came or went, who is in the room now. Null for other kinds." })
  joined?: Author[];

  @Field(() => [User], { nullable: true, description: "For CHANGED only: of those who came or went, who is gone now. Null for other kinds." })
  left?: Author[];
}

@ObjectType("TypingUpdate", { description: "Someone started or stopped typing in a room; live only, never stored." })
export class TypingUpdateView implements TypingUpdateData {
  @Field(() => ID, { description: "The room." })
  courseId!: string;

  @Field(() => User, { description: "Who is typing, named as the member they are." })
  user!: Author;

  @Field(() => Boolean, { description: `True when they started; false when they stopped (no renewal for ${TYPING_EXPIRY_MS / 1000} s, or their message arrived).` })
  typing!: boolean;
}

@ArgsType()
export class PresenceUpdatesArgs {
  @Field(() => ID, { description: "The room." })
  courseId!: string;

  @Field(() => Boolean, { nullable: true, defaultValue: false, description: "Open with a CURRENT event: everyone in the room now, then their joins and leaves." })
  withCurrent?: boolean | null;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description:
      "Joins and leaves gathered into at most one CHANGED update a second (`joined`, `left`) instead of one JOINED or LEFT each: in a busy room, a fraction of the frames. A first change after a quiet second comes at once.",
  })
  batched?: boolean | null;
}

async function presence(course: Course, ctx: Context): Promise<RoomPresence | null> {
  if (!ctx.user) return null;
  return ctx.services.presence.online(ctx.em, ctx.user, course.id);
}

@Resolver(() => Course)
export class PresenceResolver {
  @FieldResolver(() => [User], {
    nullable: true,
    description: "Members in the room right now (an open roomEvents or messageAdded subscription, on any device or instance), each once, by name. Null when not a member.",
  })
  async online(@Root() course: Course, @Ctx() ctx: Context): Promise<Author[] | null> {
    return (await presence(course, ctx))?.users ?? null;
  }

  @FieldResolver(() => PresenceCountsView, { nullable: true, description: "How many students and staff are in the room right now. Null when not a member." })
  async onlineCounts(@Root() course: Course, @Ctx() ctx: Context): Promise<PresenceCounts | null> {
    return (await presence(course, ctx))?.counts ?? null;
  }

  @Mutation(() => Boolean, {
    description:
      `Tells the room's other members the current user is typing; call it while they type, at most every ${TYPING_RENEWAL_SECONDS} s (more often is absorbed). ` +
      `Others show them for ${TYPING_EXPIRY_MS / 1000} s after the last call. False when typing is off in this room (more members than TYPING_MAX_ROOM_SIZE, or announcement-only for a student). ` +
      "Names the user: do not call it while composing an anonymous or private question. Members only.",
  })
  typing(@Arg("courseId", () => ID, { description: "The room." }) courseId: string, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.typing.typing(ctx.em, requireUser(ctx), courseId);
  }

  @Subscription(() => PresenceUpdateView, {
    description:
      "Joins and leaves in the room, live. With withCurrent, the first event (CURRENT) lists who is in the room now and the joins and leaves follow it, none missed: " +
      "no separate `Course.online` read, which a join can slip past. Members only; ends with FORBIDDEN when the subscriber loses the room.",
    subscribe: ({ args, context }: SubscribeResolverData<unknown, PresenceUpdatesArgs, Context>) =>
      context.services.presence.updates(requireUser(context), args.courseId, args.withCurrent === true, args.batched === true),
  })
  presenceUpdates(@Root() update: PresenceUpdateData, @Args(() => PresenceUpdatesArgs) _args: PresenceUpdatesArgs): PresenceUpdateData {
    return update;
  }

  @Subscription(() => TypingUpdateView, {
    description: "Others starting and stopping typing in the room, live (never the subscriber's own). Members only; ends with FORBIDDEN when the subscriber loses the room.",
    subscribe: ({ args, context }: SubscribeResolverData<unknown, { courseId: string }, Context>) => context.services.typing.updates(requireUser(context), args.courseId),
  })
  typingUpdates(@Root() update: TypingUpdateData, @Arg("courseId", () => ID, { description: "The room." }) _courseId: string): TypingUpdateData {
    return update;
  }
}
