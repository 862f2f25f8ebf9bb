import { GraphQLDateTimeISO } from "graphql-scalars";
import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { EventKind, eventCursor, type RoomSettingsData, type TimelineEvent } from "../timeline/events.js";
import type { CurrentUser } from "../auth/current-user.js";
import { viewFor } from "./anonymity.js";
import type { MessageData } from "./message-data.js";
import { MessageView } from "./message.type.js";

/** Values as published since the first release (PascalCase): see docs/decisions/0005-enum-values.md. */
export enum RoomEventKind {
  MessageAdded = "MESSAGE_ADDED",
  MessageEdited = "MESSAGE_EDITED",
  MessageDeleted = "MESSAGE_DELETED",
  ReactionsChanged = "REACTIONS_CHANGED",
  ThreadUpdated = "THREAD_UPDATED",
  SettingsChanged = "SETTINGS_CHANGED",
  QuestionUpdated = "QUESTION_UPDATED",
  AnswerUpdated = "ANSWER_UPDATED",
  AuthorRevealed = "AUTHOR_REVEALED",
}

registerEnumType(RoomEventKind, {
  name: "RoomEventKind",
  description: "What happened in a room. Clients should ignore kinds they do not know: new ones may be added.",
  valuesConfig: {
    MessageAdded: { description: "A message was sent to the room: `message` is that message." },
    MessageEdited: { description: "Its author edited a message: `message` is it as edited (`editedAt` set)." },
    MessageDeleted: { description: "A message was deleted (by a moderator or its author): drop `messageId`; `message` is null." },
    ReactionsChanged: { description: "Someone reacted to a message or took a reaction back: `message.reactions` is the new state." },
    ThreadUpdated: { description: "A thread's first message changed summary (a reply was added or removed): `message` carries the new `replyCount` and `lastReplyAt`." },
    SettingsChanged: { description: "A moderator changed the room's settings: `settings` is the new state; `messageId` is \"0\"." },
    QuestionUpdated: { description: "A question's status or accepted answer changed: `message` is the question now." },
    AnswerUpdated: { description: "An answer was endorsed or accepted (or no longer is): `message` is the answer now." },
    AuthorRevealed: { description: "A moderator made an anonymous message's author known to everyone: `message` now shows them." },
  },
});

const KINDS: Record<string, RoomEventKind> = {
  [EventKind.MessageAdded]: RoomEventKind.MessageAdded,
  [EventKind.MessageEdited]: RoomEventKind.MessageEdited,
  [EventKind.MessageDeleted]: RoomEventKind.MessageDeleted,
  [EventKind.ReactionsChanged]: RoomEventKind.ReactionsChanged,
  [EventKind.ThreadUpdated]: RoomEventKind.ThreadUpdated,
  [EventKind.SettingsChanged]: RoomEventKind.SettingsChanged,
  [EventKind.QuestionUpdated]: RoomEventKind.QuestionUpdated,
  [EventKind.AnswerUpdated]: RoomEventKind.AnswerUpdated,
  [EventKind.AuthorRevealed]: RoomEventKind.AuthorRevealed,
};

@ObjectType("RoomSettings", { description: "A room's settings, as moderators set them." })
export class RoomSettingsView implements RoomSettingsData {
  @Field(() => Boolean, { description: "Only staff and the course's instructor may post; students read." })
  announcementOnly!: boolean;

  @Field(() => Int, { description: "Slow mode: a student may post once per this many seconds; 0 is off." })
  slowModeSeconds!: number;
}

@ObjectType({ description: "One change to a room, in the room's one order: each exactly once, live or replayed with `after`." })
export class RoomEvent {
  @Field(() => ID, { description: "Pass as `roomEvents(after:)` to resume after this event. Opaque: do not parse it." })
  cursor!: string;

  @Field(() => RoomEventKind, { description: "What happened: see RoomEventKind." })
  kind!: RoomEventKind;

  @Field(() => ID, { description: "The message concerned; \"0\" for an event that concerns none (SettingsChanged)." })
  messageId!: string;

  @Field(() => MessageView, { nullable: true, description: "The message as it is after the change; null for MessageDeleted and SettingsChanged." })
  message!: MessageData | null;

  @Field(() => RoomSettingsView, { nullable: true, description: "For SettingsChanged: the room's settings now." })
  settings!: RoomSettingsData | null;

  @Field(() => GraphQLDateTimeISO, { description: "When the change was stored (ISO 8601, UTC)." })
  at!: string;
}

/**
 * What `roomEvents` resolves an event to, as this viewer may see it; a shared rendering per
 * audience, see realtime/shared-execution.ts and room-view.ts.
 */
export function renderRoomEvent(event: TimelineEvent<MessageData>, viewer: CurrentUser | null): RoomEvent {
  return {
    cursor: eventCursor(event.id),
    kind: KINDS[event.kind] ?? RoomEventKind.MessageAdded,
    messageId: String(event.messageId ?? 0),
    message: event.kind === EventKind.MessageDeleted || !event.message ? null : viewFor(viewer, event.message),
    settings: event.settings ?? null,
    at: event.at,
  };
}
