import type { EntityManager, MikroORM } from "@mikro-orm/core";
import type { SqlEntityManager } from "@mikro-orm/knex";
import type { Logger } from "pino";
import { type CurrentUser, isStaff } from "../auth/current-user.js";
import type { DatabaseTarget } from "../config.js";
import type { CourseService } from "../courses/course.service.js";
import type { RawReader } from "../db/raw-reader.js";
import { intArray } from "../db/room-lock.js";
import { BadUserInputError } from "../errors.js";
import { parseId } from "../ids.js";
import type { Metrics } from "../metrics.js";
import type { RoomBus } from "../realtime/room-bus.js";
import { countsSql, forwardSql, latestSql, SET_SQL } from "./read-state.sql.js";

/** A member's read state in one room. */
export interface RoomReadState {
  courseId: number;
  /** 0 when nothing was read yet. */
  lastReadMessageId: number;
  firstUnreadMessageId: number | null;
  unreadCount: number;
  mentionCount: number;
}

/** A room's latest message a member may read, and when it was sent (the course's creation if none), in ms. */
export interface RoomActivity {
  latestMessageId: number | null;
  at: number;
}

/** What the per-user topic carries: a member's marker moved (on any device, any instance), or they joined a room. */
export interface MarkerMoved {
  userId: number;
  courseId: number;
  lastReadMessageId: number;
  joined?: boolean;
}

/** Channel `<prefix>user:<user id>`: one per user, so an instance hears only its own users. */
export const USER_TOPIC = "user";

export interface ReadStateOptions {
  orm: MikroORM;
  database: DatabaseTarget["kind"];
  reader: RawReader;
  courses: CourseService;
  bus: RoomBus;
  logger: Logger;
  metrics: Metrics;
  /** How long markRead positions of one member and room are gathered into one write. */
  flushMs: number;
}

interface Pending {
  userId: number;
  courseId: number;
  messageId: number;
  timer: NodeJS.Timeout;
}

const num = (value: unknown): number => Number(value ?? 0);

/** Course fields answered from the counting query. */
const COUNT_FIELDS = ["unreadCount", "mentionCount", "unreadBadge", "lastReadMessageId", "firstUnreadMessageId"];

const roomsKey = (user: CurrentUser, courseIds: number[]): string => `${user.id}:${[...new Set(courseIds)].sort((a, b) => a - b).join(",")}`;

/**
 * Read markers. A reader scrolling through a room calls markRead for every message they see:
 * positions of one member and room are gathered for `flushMs` and written once, forward only
 * (an upsert that keeps the greater id, so a late write from another device never moves it
 * back). Until then this instance answers from the pending position; the other devices hear of
 * it over the per-user topic after the write.
 */
export class ReadStateService {
  private readonly pending = new Map<string, Pending>();
  private readonly writes = new Set<Promise<void>>();
  /** Per operation's fork (HomeStreams takes a fresh one for each read). */
  private readonly latestReads = new WeakMap<EntityManager, Map<string, { at: number; rows: Promise<Map<number, RoomActivity>> }>>();
  /** The latest count of each fork's operation: started ahead (see prefetch) and taken once, or asked by the operation itself. */
  private readonly prefetched = new WeakMap<EntityManager, { key: string; rows: Promise<Map<number, RoomReadState>>; taken: boolean }>();

  constructor(private readonly options: ReadStateOptions) {}

  /** Moves the member's marker forward to `messageId` (a message of the room they may read). */
  async markRead(em: EntityManager, user: CurrentUser, courseId: unknown, messageId: unknown): Promise<number> {
    const room = await this.options.courses.requireMember(em, user, courseId);
    const id = await this.requireMessage(em, user, room.courseId, messageId);
    const key = `${user.id}:${room.courseId}`;
    const waiting = this.pending.get(key);
    if (waiting) waiting.messageId = Math.max(waiting.messageId, id);
    else {
      const entry: Pending = { userId: user.id, courseId: room.courseId, messageId: id, timer: setTimeout(() => this.flush(key), this.options.flushMs) };
      this.pending.set(key, entry);
    }
    return room.courseId;
  }

  /** Sets the marker just before `messageId`: it and everything after it are unread again. */
  async markUnread(em: EntityManager, user: CurrentUser, courseId: unknown, messageId: unknown): Promise<number> {
    const room = await this.options.courses.requireMember(em, user, courseId);
    const id = await this.requireMessage(em, user, room.courseId, messageId);
    const key = `${user.id}:${room.courseId}`;
    const waiting = this.pending.get(key);
    if (waiting) {
      clearTimeout(waiting.timer);
      this.pending.delete(key);
    }
    const [row] = await this.options.reader.read<{ previous: number | string | null }>(
      em,
      "select max(m.id) as previous from messages m join courses c on c.id = m.course_id where m.course_id = ? and m.id < ? and (? = 1 or c.owner_id = ? or m.private_to is null or m.private_to = ?)",
      [room.courseId, id, isStaff(user) ? 1 : 0, user.id, user.id],
    );
    const marker = num(row?.previous);
    await (em as SqlEntityManager).execute(SET_SQL, [user.id, room.courseId, marker, this.now()]);
    this.options.metrics.readMarkerWrites.inc();
    await this.announce({ userId: user.id, courseId: room.courseId, lastReadMessageId: marker });
    return room.courseId;
  }

  /** A new member starts with the room so far read: joining does not make its history unread. */
  async startAt(em: EntityManager, userId: number, courseId: number): Promise<void> {
    const [row] = await this.options.reader.read<{ latest: number | string | null }>(em, "select max(id) as latest from messages where course_id = ?", [courseId]);
    await (em as SqlEntityManager).execute(forwardSql(this.options.database), [userId, courseId, num(row?.latest), this.now()]);
    await this.announce({ userId, courseId, lastReadMessageId: num(row?.latest), joined: true });
  }

  /** Read state of the rooms among `courseIds` the user is a member of (others are absent). */
  /**
   * A list of rooms whose counts will be asked (`fields` of Course): they are counted from now,
   * alongside the list's other reads, and the operation's states() call for them takes it.
   */
  prefetch(em: EntityManager, user: CurrentUser, courseIds: number[], fields: ReadonlySet<string>): void {
    if (courseIds.length === 0 || !COUNT_FIELDS.some((f) => fields.has(f))) return;
    const key = roomsKey(user, courseIds);
    // The operation got there first (`me`'s totals, say).
    if (this.prefetched.get(em)?.key === key) return;
    const rows = this.readStates(em, user, courseIds);
    rows.catch(() => undefined); // the operation's own call reports a failure
    this.prefetched.set(em, { key, rows, taken: false });
  }

  async states(em: EntityManager, user: CurrentUser, courseIds: number[]): Promise<Map<number, RoomReadState>> {
    const key = roomsKey(user, courseIds);
    const early = this.prefetched.get(em);
    if (early?.key === key && !early.taken) {
      early.taken = true;
      return early.rows;
    }
    const rows = this.readStates(em, user, courseIds);
    this.prefetched.set(em, { key, rows, taken: true });
    return rows;
  }

  private async readStates(em: EntityManager, user: CurrentUser, courseIds: number[]): Promise<Map<number, RoomReadState>> {
    const ids = [...new Set(courseIds)];
    if (ids.length === 0) return new Map();
    const { reader, database } = this.options;
    // Positions still being gathered here count at once; the query takes the further of them and the stored marker.
    const reads = ids.map((id) => this.pending.get(`${user.id}:${id}`)?.messageId ?? 0);
    const rooms = database === "postgresql" ? [intArray(ids), intArray(reads)] : [JSON.stringify(ids.map((id, i) => [id, reads[i]]))];
    const staff = isStaff(user) ? 1 : 0;
    const rows = await reader.read<{ course_id: number | string; last_read: number | string; unread: number | string; first_unread: number | string | null; mentions: number | string }>(
      em,
      countsSql(database),
      // In the text's order: the markers, the rooms, the mentions, membership, the unread messages.
      [user.id, ...rooms, user.id, user.id, staff, user.id, user.id, staff, user.id, user.id, user.id, staff, user.id, user.id],
    );
    return new Map(
      rows.map((row) => [
        num(row.course_id),
        {
          courseId: num(row.course_id),
          lastReadMessageId: num(row.last_read),
          firstUnreadMessageId: row.first_unread === null ? null : num(row.first_unread),
          unreadCount: num(row.unread),
          mentionCount: num(row.mentions),
        },
      ]),
    );
  }

  /**
   * Per room: the id of its latest message still shown that the user may read (null when none),
   * and when the room last had activity (that message, else the course's creation), in ms.
   */
  latest(em: EntityManager, user: CurrentUser, courseIds: number[]): Promise<Map<number, RoomActivity>> {
    // myCourses(orderBy: ACTIVITY) sorts by it and then shows it: one read per operation (its fork) serves both.
    const key = roomsKey(user, courseIds);
    let memo = this.latestReads.get(em);
    if (!memo) this.latestReads.set(em, (memo = new Map()));
    let read = memo.get(key);
    // A fork kept longer (a subscription's) reads again after a second.
    if (!read || Date.now() - read.at > 1000) memo.set(key, (read = { at: Date.now(), rows: this.readLatest(em, user, courseIds) }));
    return read.rows;
  }

  private async readLatest(em: EntityManager, user: CurrentUser, courseIds: number[]): Promise<Map<number, RoomActivity>> {
    const ids = [...new Set(courseIds)];
    if (ids.length === 0) return new Map();
    const staff = isStaff(user) ? 1 : 0;
    const rows = await this.options.reader.read<{ course_id: number | string; created_at: unknown; latest_id: number | string | null; sent_on: unknown }>(em, latestSql(this.options.database), [
      this.options.reader.ids(ids),
      staff,
      user.id,
      user.id,
      staff,
      user.id,
      user.id,
    ]);
    return new Map(
      rows.map((row) => [
        num(row.course_id),
        {
          latestMessageId: row.latest_id === null ? null : num(row.latest_id),
          at: new Date((row.latest_id === null ? row.created_at : row.sent_on) as number | Date).getTime(),
        },
      ]),
    );
  }

  /** Writes every gathered position now (shutdown). */
  async drain(): Promise<void> {
    for (const [key, waiting] of this.pending) {
      clearTimeout(waiting.timer);
      this.flush(key);
    }
    await Promise.allSettled([...this.writes]);
  }

  /** Follows a user's marker moves, from every instance. */
  follow(userId: number, onMoved: (moved: MarkerMoved) => void, onResync?: () => void): Promise<() => void> {
    return this.options.bus.subscribe<MarkerMoved>(USER_TOPIC, userId, onMoved, onResync);
  }

  private flush(key: string): void {
    const waiting = this.pending.get(key);
    if (!waiting) return;
    this.pending.delete(key);
    const { userId, courseId, messageId } = waiting;
    const write = (async () => {
      const em = this.options.orm.em.fork();
      await (em as SqlEntityManager).execute(forwardSql(this.options.database), [userId, courseId, messageId, this.now()]);
      this.options.metrics.readMarkerWrites.inc();
      await this.announce({ userId, courseId, lastReadMessageId: messageId });
    })().catch((err: unknown) => this.options.logger.warn({ err, userId, courseId }, "read marker not written"));
    this.writes.add(write);
    void write.finally(() => this.writes.delete(write));
  }

  private async announce(moved: MarkerMoved): Promise<void> {
    await this.options.bus.publish(USER_TOPIC, moved.userId, moved).catch((err: unknown) => {
      this.options.logger.warn({ err: err instanceof Error ? err.message : err }, "marker move not published");
    });
  }

  /** SQLite keeps datetimes as epoch milliseconds, PostgreSQL as timestamps. */
  private now(): Date | number {
    return this.options.database === "sqlite" ? Date.now() : new Date();
  }

  /** A message of this room the member may read; anything else is the same BAD_USER_INPUT. */
  private async requireMessage(em: EntityManager, user: CurrentUser, courseId: number, messageId: unknown): Promise<number> {
    const id = parseId(messageId);
    const [row] =
      id === null
        ? []
        : await this.options.reader.read<{ id: number | string }>(
            em,
            "select m.id from messages m join courses c on c.id = m.course_id where m.id = ? and m.course_id = ? and (? = 1 or c.owner_id = ? or m.private_to is null or m.private_to = ?)",
            [id, courseId, isStaff(user) ? 1 : 0, user.id, user.id],
          );
    if (!row) throw new BadUserInputError("messageId must be a message of this room.", "messageId");
    return num(row.id);
  }
}
