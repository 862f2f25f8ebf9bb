/**
 * The room timeline's events: what changed, in the room's order. Each kind is stored as a row
 * of room_events and travels over pub/sub as a TimelineEvent (plain JSON). Features extend the
 * timeline by appending events of their kinds; the timeline itself knows no message.
 */
export const EventKind = {
  MessageAdded: "added",
  MessageEdited: "edited",
  MessageDeleted: "deleted",
  ReactionsChanged: "reactions",
  /** A thread's summary on its root changed (a reply added or removed). */
  ThreadUpdated: "thread",
  SettingsChanged: "settings",
  /** A question's status or accepted answer changed. */
  QuestionUpdated: "question",
  /** An answer was endorsed or accepted, or no longer is. */
  AnswerUpdated: "answer",
  /** A moderator made an anonymous message's author known to the room. */
  AuthorRevealed: "revealed",
  /** A member lost the room: their streams end; nobody else sees it. */
  MemberRemoved: "removed",
} as const;
export type EventKind = (typeof EventKind)[keyof typeof EventKind];

/** The room's settings, as a settings event carries them. */
export interface RoomSettingsData {
  announcementOnly: boolean;
  slowModeSeconds: number;
}

/**
 * An event as it travels and is replayed: its cursor (the row id), the room's event before it
 * (a subscriber that has not seen that one reads the gap from storage), and what changed. `M`
 * is the message's one shape (messages/message-record.ts), as it is after the change.
 */
export interface TimelineEvent<M = unknown> {
  id: number;
  previousId: number | null;
  courseId: number;
  kind: EventKind;
  messageId: number | null;
  userId: number | null;
  /** ISO 8601: when the change was stored. */
  at: string;
  /** For message events but deletions: the message after the change (absent when it was deleted since). */
  message?: M;
  settings?: RoomSettingsData;
}

/** What a feature asks the timeline to append; the writer gives it its place in the order. */
export interface NewEvent {
  kind: EventKind;
  messageId?: number | null;
  userId?: number | null;
  settings?: RoomSettingsData;
}

/**
 * Cursors are opaque to clients, but they are the event's id: a message's id is the id of the
 * event that added it, so `after: <message id>`, as clients passed before the timeline
 * existed, keeps meaning "after that message".
 */
export function eventCursor(id: number): string {
  return String(id);
}

/** The bus topic of every room's events: channel `<prefix>room:<course id>`. */
export const ROOM_TOPIC = "room";
