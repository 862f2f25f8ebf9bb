import type { PresenceUpdatesSubscription } from "../gql/graphql";

export type PresenceUpdate = PresenceUpdatesSubscription["presenceUpdates"];
type PresenceUser = PresenceUpdate["user"];

export interface RoomPresence {
  /** Who has the room open now, by name. */
  online: readonly PresenceUser[];
  counts: PresenceUpdate["counts"] | null;
}

export const NOBODY: RoomPresence = { online: [], counts: null };

const byName = (users: Iterable<PresenceUser>): PresenceUser[] => [...users].sort((a, b) => a.username.localeCompare(b.username));

/**
 * One event of presenceUpdates(withCurrent: true, batched: true) applied: CURRENT (the stream's
 * first event, so again after every resubscription) replaces what was shown; CHANGED (or a
 * single JOINED or LEFT) follows it, as a set: a join of someone already listed (they came
 * while the list was read) changes only the counts.
 */
export function applyPresence(shown: RoomPresence, update: PresenceUpdate): RoomPresence {
  if (update.kind === "CURRENT") return { online: byName(update.online ?? []), counts: update.counts };
  const online = new Map(shown.online.map((user) => [user.id, user]));
  const joined = update.kind === "CHANGED" ? (update.joined ?? []) : update.kind === "JOINED" ? [update.user] : [];
  const left = update.kind === "CHANGED" ? (update.left ?? []) : update.kind === "LEFT" ? [update.user] : [];
  for (const user of joined) online.set(user.id, user);
  for (const user of left) online.delete(user.id);
  return { online: byName(online.values()), counts: update.counts };
}
