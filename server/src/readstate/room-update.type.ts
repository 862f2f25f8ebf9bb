import { GraphQLDateTimeISO } from "graphql-scalars";
import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import type { MessageData } from "../messages/message-data.js";
import { MessageView } from "../messages/message.type.js";
import type { RoomUpdateData, RoomUpdateKindData } from "./home-stream.js";

export enum RoomUpdateKind {
  SNAPSHOT = "SNAPSHOT",
  MESSAGE = "MESSAGE",
  CHANGED = "CHANGED",
  READ = "READ",
  JOINED = "JOINED",
  LEFT = "LEFT",
}
registerEnumType(RoomUpdateKind, {
  name: "RoomUpdateKind",
  description: "Why a room's state was sent. Clients should ignore kinds they do not know: new ones may be added.",
  valuesConfig: {
    SNAPSHOT: { description: "The room as it is when the subscription starts (every room), or, resuming with `after`, a room that changed since." },
    MESSAGE: { description: "A new message the user may read arrived (their own included): `lastMessage` is the newest." },
    CHANGED: { description: "A message was edited or deleted, or the link to the server was restored: counts and `lastMessage` as they are now." },
    READ: { description: "The user's read marker moved, on this device or another." },
    JOINED: { description: "The user joined the room (enrolled, or was re-admitted): add it to the list (`course(id:)` has its title)." },
    LEFT: { description: "The user left or lost the room: remove it; nothing more of it comes. Every count is null." },
  },
});

/** What the home screen shows of one room; the same numbers as the Course fields of that name. */
@ObjectType("RoomUpdate", { description: "One room's read state and latest message for the current user, as `myRoomsUpdated` sends it: a state, not a delta." })
export class RoomUpdateView {
  @Field(() => ID, { description: "Pass as `myRoomsUpdated(after:)` when resubscribing: every room changed since is sent again." })
  cursor!: string;

  @Field(() => ID, { description: "The course (room)." })
  courseId!: string;

  @Field(() => RoomUpdateKind, { description: "Why it was sent." })
  kind!: RoomUpdateKindData;

  @Field(() => ID, { nullable: true, description: "As Course.lastReadMessageId." })
  lastReadMessageId!: string | null;

  @Field(() => ID, { nullable: true, description: "As Course.firstUnreadMessageId." })
  firstUnreadMessageId!: string | null;

  @Field(() => Int, { nullable: true, description: "As Course.unreadCount: exact; null for LEFT." })
  unreadCount!: number | null;

  @Field(() => Int, { nullable: true, description: "As Course.mentionCount; null for LEFT." })
  mentionCount!: number | null;

  @Field(() => String, { nullable: true, description: "As Course.unreadBadge; null for LEFT." })
  unreadBadge!: string | null;

  @Field(() => MessageView, { nullable: true, description: "As Course.lastMessage: the room's latest message the user may read, as they may see it." })
  lastMessage!: MessageData | null;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: "As Course.lastActivityAt." })
  lastActivityAt!: string | null;
}

export function renderRoomUpdate(update: RoomUpdateData, badge: (count: number) => string): RoomUpdateView {
  const { state } = update;
  return {
    cursor: update.cursor,
    courseId: update.courseId,
    kind: update.kind,
    lastReadMessageId: state && state.lastReadMessageId > 0 ? String(state.lastReadMessageId) : null,
    firstUnreadMessageId: state?.firstUnreadMessageId ? String(state.firstUnreadMessageId) : null,
    unreadCount: state?.unreadCount ?? null,
    mentionCount: state?.mentionCount ?? null,
    unreadBadge: state ? badge(state.unreadCount) : null,
    lastMessage: update.lastMessage,
    lastActivityAt: update.lastActivityAt,
  };
}
