import type { CurrentUser } from "../auth/current-user.js";
import { EventKind, type TimelineEvent } from "../timeline/events.js";
import { anonymityAudience, mayRead } from "./anonymity.js";
import type { MessageData } from "./message-data.js";

export type MessageEvent = TimelineEvent<MessageData>;

/**
 * Which of a room's events a member sees: not another member's removal, and not the earlier
 * events of a message deleted since (a replay reads them without it: its content must not
 * come back).
 */
export function visibleTo(viewer: CurrentUser, event: MessageEvent): boolean {
  switch (event.kind) {
    case EventKind.MemberRemoved:
      return false;
    case EventKind.MessageDeleted:
    case EventKind.SettingsChanged:
      return true;
    default:
      // Nor a private question's thread, for anyone but its asker and moderators.
      return event.message !== undefined && mayRead(viewer, event.message);
  }
}

/** Per event: each reactor's emoji, so a viewer's part is found at once however many watch. */
const reactedBy = new WeakMap<object, Map<string, string>>();

/**
 * Which rendering of an event a viewer gets: an event renders the same for every viewer but
 * for `reactedByMe`, which differs only for those who reacted, and an anonymous author, whom
 * classmates see under a pseudonym. Subscribers of one partition
 * share one execution and one serialised frame (realtime/shared-execution.ts).
 */
export function audienceOf(event: unknown, viewer: CurrentUser | null): string {
  const message = (event as Partial<MessageEvent>).message;
  if (!viewer || !message) return "";
  const anonymity = anonymityAudience(viewer, message);
  if (message.reactions.length === 0) return anonymity;
  let byUser = reactedBy.get(message);
  if (!byUser) {
    byUser = new Map();
    for (const reaction of message.reactions) for (const id of reaction.userIds) byUser.set(id, `${byUser.get(id) ?? ""}${reaction.emoji}\u0000`);
    reactedBy.set(message, byUser);
  }
  return `${anonymity}|${byUser.get(String(viewer.id)) ?? ""}`;
}
