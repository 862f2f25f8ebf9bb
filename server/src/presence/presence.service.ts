import type { EntityManager } from "@mikro-orm/core";
import { LRUCache } from "lru-cache";
import type { Logger } from "pino";
import { type CurrentUser, isStaff } from "../auth/current-user.js";
import type { Role } from "../auth/user.entity.js";
import { Coalescer } from "../db/coalescer.js";
import type { RawReader } from "../db/raw-reader.js";
import { ForbiddenError } from "../errors.js";
import { parseId } from "../ids.js";
import type { Author } from "../messages/message-data.js";
import { PresenceBatches } from "./presence-batches.js";
import type { PresenceStore } from "./presence-store.js";
import { pushStream } from "./push-stream.js";
import { guardRoom, type RoomGuardOptions } from "./room-guard.js";

interface RoomChange {
  courseId: number;
  entry: LocalEntry;
}

interface LocalEntry {
  user: CurrentUser;
  /** This instance's open room streams of the member. */
  streams: number;
  moderator: boolean;
}

const authorOf = (user: CurrentUser): Author => ({ id: String(user.id), username: user.username, role: user.role });

function countsOf(present: Map<number, boolean>): PresenceCounts {
  const staff = [...present.values()].filter(Boolean).length;
  return { online: present.size, students: present.size - staff, staff };
}

/** Channel `<prefix>presence:<course id>`: joins and leaves, never stored. */
const PRESENCE_TOPIC = "presence";

export interface PresenceCounts {
  online: number;
  /** Present members who are not staff or the course's instructor. */
  students: number;
  /** Present staff and the course's instructor. */
  staff: number;
}

/** What the presence channel carries. */
export type PresenceChange = "JOINED" | "LEFT";

export interface PresenceUpdateData {
  courseId: string;
  /**
   * CURRENT: the opening list of a subscription that asked for it; CHANGED: a batched
   * subscription's joins and leaves of a spell (presence-batches.ts). Neither is published.
   */
  kind: PresenceChange | "CURRENT" | "CHANGED";
  /** Who came or went; for CURRENT, the subscriber; for CHANGED, the first of joined, else of left. */
  user: Author;
  counts: PresenceCounts;
  /** CURRENT only: everyone present. */
  online?: Author[];
  /** CHANGED only: who is in the room now, and who is gone, of those who came or went. */
  joined?: Author[];
  left?: Author[];
}

export interface RoomPresence {
  users: Author[];
  counts: PresenceCounts;
}

export interface PresenceOptions extends RoomGuardOptions {
  reader: RawReader;
  store: PresenceStore;
  logger: Logger;
  /** PRESENCE_TTL: an entry lives this long unless renewed (every third of it). */
  ttlMs: number;
}

/**
 * Who is in a room right now: members with an open room stream (roomEvents, messageAdded), on
 * any device and instance, counted once. This instance counts its own streams per member and
 * room, keeps one entry per (room, member) in the store renewed every third of PRESENCE_TTL,
 * and sweeps expired entries of the rooms it serves, so the members of an instance that died
 * are announced gone by the others. Joins and leaves go to the room's presence channel.
 */
export class PresenceService {
  private readonly local = new Map<number, Map<number, LocalEntry>>();
  /** Each room's instructor, for telling staff from students (a course keeps its owner). */
  private readonly owners = new LRUCache<number, number>({ max: 10_000, ttl: 60_000 });
  /** presenceUpdates subscribers here, per room: those rooms are swept here too. */
  private readonly watched = new Map<number, number>();
  /** Changes to one (room, member) run in order. */
  private readonly chains = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  /**
   * Joins (and leaves) arriving together, a reconnect storm say, share one read of the room's
   * presence and one write: a join costs the same in a room of 1,000 as in a room of 10.
   */
  private readonly joins = new Coalescer<RoomChange, undefined>((changes) => this.settle(changes, "JOINED"));
  private readonly leaves = new Coalescer<RoomChange, undefined>((changes) => this.settle(changes, "LEFT"));
  /**
   * The opening lists of subscriptions opening together (a reconnect storm) share a read per
   * room; each read starts after the subscriptions it serves were listening, as each needs.
   */
  private readonly currents = new Coalescer<number, RoomPresence>(async (courseIds) => {
    const reads = new Map<number, Promise<RoomPresence>>();
    for (const id of courseIds) if (!reads.has(id)) reads.set(id, this.presence(this.options.orm.em.fork(), id));
    return Promise.all(courseIds.map((id) => reads.get(id)!.catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))))));
  });
  /** presenceUpdates(batched: true): one listener per room here, one update per spell for all its subscribers. */
  private readonly batches = new PresenceBatches(
    (courseId, onUpdate) => this.options.bus.subscribe<PresenceUpdateData>(PRESENCE_TOPIC, courseId, onUpdate),
    async (courseId) => countsOf(await this.options.store.present(courseId, Date.now())),
  );

  constructor(private readonly options: PresenceOptions) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), Math.max(200, Math.floor(this.options.ttlMs / 3)));
    this.timer.unref();
  }

  /** A graceful stop: this instance's members leave at once rather than after PRESENCE_TTL. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    const entries = [...this.local].flatMap(([courseId, users]) => [...users.values()].map((entry) => ({ courseId, entry })));
    this.local.clear();
    await Promise.allSettled([...this.chains.values(), ...entries.map(({ courseId, entry }) => this.serially(courseId, entry.user.id, () => this.left(courseId, entry)))]);
  }

  /** A member opened a room stream; the answer closes it. */
  opened(user: CurrentUser, courseId: number): () => void {
    let room = this.local.get(courseId);
    if (!room) this.local.set(courseId, (room = new Map()));
    const entry = room.get(user.id) ?? { user, streams: 0, moderator: isStaff(user) };
    room.set(user.id, entry);
    if (entry.streams++ === 0) void this.serially(courseId, user.id, () => this.joined(courseId, entry));
    let closed = false;
    return () => {
      if (closed) return;
      closed = true;
      const current = this.local.get(courseId)?.get(user.id);
      if (!current || --current.streams > 0) return;
      this.local.get(courseId)!.delete(user.id);
      if (this.local.get(courseId)!.size === 0) this.local.delete(courseId);
      void this.serially(courseId, user.id, () => this.left(courseId, current));
    };
  }

  /** Members present now, for a member of the room (null otherwise). */
  async online(em: EntityManager, viewer: CurrentUser, courseId: number): Promise<RoomPresence | null> {
    if (!(await this.options.courses.roomAccess(em, viewer, courseId))) return null;
    return this.presence(em, courseId);
  }

  /**
   * Joins and leaves in the room, live; members only, ending when the subscriber loses the room.
   * With `withCurrent`, first who is there now (CURRENT), consistent with what follows. With
   * `batched`, the joins and leaves come gathered, at most one CHANGED update a second.
   */
  async updates(user: CurrentUser, courseId: unknown, withCurrent = false, batched = false): Promise<AsyncIterableIterator<PresenceUpdateData>> {
    const id = parseId(courseId);
    if (id === null) throw new ForbiddenError();
    return pushStream<PresenceUpdateData>(
      async (push, fail) => {
        // Heard from before the list is read, and held until it is sent: the store is written
        // before a change is published, so a change is in the list, or comes after it, or both.
        let held: PresenceUpdateData[] | null = withCurrent ? [] : null;
        const heard = (update: PresenceUpdateData) => {
          if (held) held.push(update);
          else push(update);
        };
        const stopPresence = batched ? await this.batches.add(id, heard) : await this.options.bus.subscribe<PresenceUpdateData>(PRESENCE_TOPIC, id, heard);
        let lost = false;
        let stopGuard: () => void;
        try {
          stopGuard = await guardRoom(this.options, user, id, (err) => {
            lost = true;
            fail(err);
          });
        } catch (err) {
          stopPresence();
          throw err;
        }
        this.watched.set(id, (this.watched.get(id) ?? 0) + 1);
        const stop = () => {
          stopPresence();
          stopGuard();
          const left = (this.watched.get(id) ?? 1) - 1;
          if (left > 0) this.watched.set(id, left);
          else this.watched.delete(id);
        };
        if (held) {
          let current: RoomPresence;
          try {
            current = await this.currents.run(id);
          } catch (err) {
            stop();
            throw err;
          }
          // Removed while it was read: the list is not theirs to see.
          if (!lost) {
            push({ courseId: String(id), kind: "CURRENT", user: authorOf(user), counts: current.counts, online: current.users });
            for (const update of held) push(update);
          }
          held = null;
        }
        return stop;
      },
      (update) => update.kind === "CURRENT",
    );
  }

  private serially(courseId: number, userId: number, work: () => Promise<void>): Promise<void> {
    const key = `${courseId}:${userId}`;
    const next = (this.chains.get(key) ?? Promise.resolve()).then(work).catch((err: unknown) => {
      this.options.logger.warn({ err: err instanceof Error ? err.message : err, courseId }, "presence not updated");
    });
    this.chains.set(key, next);
    void next.finally(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
    return next;
  }

  private async joined(courseId: number, entry: LocalEntry): Promise<void> {
    entry.moderator = isStaff(entry.user) || (await this.ownerOf(courseId)) === entry.user.id;
    await this.joins.run({ courseId, entry });
  }

  private async left(courseId: number, entry: LocalEntry): Promise<void> {
    // Open again meanwhile (a reconnect): still here.
    if (this.local.get(courseId)?.has(entry.user.id)) return;
    await this.leaves.run({ courseId, entry });
  }

  /**
   * Per room: the store read once, every entry renewed (or removed) in one write, read again,
   * and a join announced for each member who was not there before (a leave for each who is
   * no longer there), with the counts as they now are.
   */
  private async settle(changes: RoomChange[], kind: PresenceChange): Promise<undefined[]> {
    const { store, ttlMs } = this.options;
    const byRoom = new Map<number, LocalEntry[]>();
    for (const { courseId, entry } of changes) byRoom.set(courseId, [...(byRoom.get(courseId) ?? []), entry]);
    await Promise.all(
      [...byRoom].map(async ([courseId, entries]) => {
        const now = Date.now();
        const before = await store.present(courseId, now);
        const stored = entries.map((e) => ({ courseId, userId: e.user.id, moderator: e.moderator }));
        if (kind === "JOINED") await store.renew(stored, now + ttlMs);
        else await Promise.all(stored.map((e) => store.remove(e)));
        const after = await store.present(courseId, Date.now());
        const changed = new Map(entries.filter((e) => (kind === "JOINED" ? !before.has(e.user.id) : !after.has(e.user.id))).map((e) => [e.user.id, e.user]));
        for (const user of changed.values()) await this.publish(courseId, kind, authorOf(user), after);
      }),
    );
    return changes.map(() => undefined);
  }

  private async ownerOf(courseId: number): Promise<number> {
    let owner = this.owners.get(courseId);
    if (owner === undefined) {
      const [row] = await this.options.reader.read<{ owner_id: number | string }>(this.options.orm.em.fork(), "select owner_id from courses where id = ?", [courseId]);
      owner = Number(row?.owner_id ?? 0);
      this.owners.set(courseId, owner);
    }
    return owner;
  }

  /** Renews this instance's entries; announces the members whose every entry expired (an instance died). */
  private async tick(): Promise<void> {
    const now = Date.now();
    const { store, ttlMs, logger } = this.options;
    try {
      const entries = [...this.local].flatMap(([courseId, users]) => [...users.values()].map((e) => ({ courseId, userId: e.user.id, moderator: e.moderator })));
      if (entries.length > 0) await store.renew(entries, now + ttlMs);
      const rooms = new Set([...this.local.keys(), ...this.watched.keys()]);
      for (const courseId of rooms) {
        const gone = await store.sweep(courseId, now);
        if (gone.length === 0) continue;
        for (const user of await this.users(this.options.orm.em.fork(), gone)) await this.announce(courseId, "LEFT", user);
      }
    } catch (err) {
      logger.warn({ err: err instanceof Error ? err.message : err }, "presence not renewed");
    }
  }

  /** With the room's counts from the store alone: a join in a crowded room reads no database. */
  private async announce(courseId: number, kind: PresenceChange, user: Author): Promise<void> {
    await this.publish(courseId, kind, user, await this.options.store.present(courseId, Date.now()));
  }

  private async publish(courseId: number, kind: PresenceChange, user: Author, present: Map<number, boolean>): Promise<void> {
    const update: PresenceUpdateData = { courseId: String(courseId), kind, user, counts: countsOf(present) };
    await this.options.bus.publish(PRESENCE_TOPIC, courseId, update);
  }

  private async presence(em: EntityManager, courseId: number): Promise<RoomPresence> {
    const present = await this.options.store.present(courseId, Date.now());
    return { users: await this.users(em, [...present.keys()]), counts: countsOf(present) };
  }

  private async users(em: EntityManager, ids: number[]): Promise<Author[]> {
    if (ids.length === 0) return [];
    const { reader } = this.options;
    const rows = await reader.read<{ id: number | string; username: string; role: Role }>(em, `select id, username, role from users where ${reader.inIds("id")} order by username`, [
      reader.ids(ids),
    ]);
    return rows.map((r) => ({ id: String(r.id), username: r.username, role: r.role }));
  }
}
