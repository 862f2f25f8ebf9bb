import type { Author } from "../messages/message-data.js";
import type { PresenceCounts, PresenceUpdateData } from "./presence.service.js";

/** A room's batched subscribers here get at most one CHANGED update this often. */
export const PRESENCE_BATCH_MS = 1000;

type Listener = (update: PresenceUpdateData) => void;

interface RoomBatch {
  listeners: Set<Listener>;
  /** Settles once the room's channel is heard from (the subscriber reads the list after it). */
  ready: Promise<() => void>;
  /** Each member who came or went since the last update: where they are now. */
  changed: Map<string, { user: Author; present: boolean }>;
  /** The counts last heard: kept in case the store cannot be read when sending. */
  counts: PresenceCounts | null;
  timer: NodeJS.Timeout | null;
  sentAt: number;
  /** Updates of one room go out in order. */
  sending: Promise<void>;
}

/**
 * presenceUpdates(batched: true) for every subscriber of a room on this instance: one listener
 * on the room's presence channel gathers its joins and leaves, and at most once a
 * PRESENCE_BATCH_MS hands all of them one CHANGED update (one object, so it is rendered once).
 * A first change after a quiet spell goes out at once. A member who came and went within the
 * spell is listed where they ended up, so a subscriber that read the room's list meanwhile
 * still ends up right: CHANGED says who is in and who is out now, to apply to a set.
 */
export class PresenceBatches {
  private readonly rooms = new Map<number, RoomBatch>();

  constructor(
    private readonly listen: (courseId: number, onUpdate: (update: PresenceUpdateData) => void) => Promise<() => void>,
    /**
     * The room's counts now. Read when sending rather than taken from the last update heard:
     * instances publish their changes with counts read at different moments, and the last to
     * arrive need not be the latest.
     */
    private readonly countsNow: (courseId: number) => Promise<PresenceCounts>,
  ) {}

  /** Follows the room's batched updates from once the returned promise settles; the answer stops it. */
  async add(courseId: number, listener: Listener): Promise<() => void> {
    let room = this.rooms.get(courseId);
    if (!room) {
      const created: RoomBatch = { listeners: new Set(), ready: Promise.resolve(() => undefined), changed: new Map(), counts: null, timer: null, sentAt: 0, sending: Promise.resolve() };
      created.ready = this.listen(courseId, (update) => this.heard(created, update));
      this.rooms.set(courseId, (room = created));
      // A failed listen leaves nothing behind for the next subscriber.
      created.ready.catch(() => this.rooms.get(courseId) === created && this.rooms.delete(courseId));
    }
    const batch = room;
    batch.listeners.add(listener);
    try {
      await batch.ready;
    } catch (err) {
      batch.listeners.delete(listener);
      throw err;
    }
    return () => {
      if (!batch.listeners.delete(listener) || batch.listeners.size > 0) return;
      if (this.rooms.get(courseId) === batch) this.rooms.delete(courseId);
      if (batch.timer) clearTimeout(batch.timer);
      void batch.ready.then((stop) => stop());
    };
  }

  private heard(room: RoomBatch, update: PresenceUpdateData): void {
    if (update.kind === "CURRENT") return;
    room.changed.set(update.user.id, { user: update.user, present: update.kind === "JOINED" });
    room.counts = update.counts;
    if (room.timer) return;
    const wait = Math.max(0, room.sentAt + PRESENCE_BATCH_MS - Date.now());
    room.timer = setTimeout(() => {
      room.sending = room.sending.then(() => this.send(room, update.courseId));
    }, wait);
  }

  private async send(room: RoomBatch, courseId: string): Promise<void> {
    room.timer = null;
    room.sentAt = Date.now();
    const changed = [...room.changed.values()];
    room.changed.clear();
    const heard = room.counts;
    if (changed.length === 0 || !heard) return;
    // Every change heard was stored before it was published: a read now counts them all.
    const counts = await this.countsNow(Number(courseId)).catch(() => heard);
    const joined = changed.flatMap((c) => (c.present ? [c.user] : []));
    const left = changed.flatMap((c) => (c.present ? [] : [c.user]));
    const update: PresenceUpdateData = { courseId, kind: "CHANGED", user: joined[0] ?? left[0]!, counts, joined, left };
    for (const listener of room.listeners) listener(update);
  }
}
