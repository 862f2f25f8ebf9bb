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
import { countsSql, forwardSql, latestSql, type RoomsSource, SET_SQL } from "./read-state.sql.js";

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

/** Course fields answered from the latest-message query. */
const LATEST_FIELDS = ["lastMessage", "lastActivityAt"];

/** A read of every room of a member, for one operation (its fork); a kept fork reads again after this. */
const MEMBER_READ_MS = 1000;

interface MemberReads {
  userId: number;
  at: number;
  counts?: Promise<Map<number, RoomReadState>>;
  latest?: Promise<Map<number, RoomActivity>>;
}

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
  /** Every room of the operation's member, read ahead of knowing which (see prefetchMember). */
  private readonly memberReads = new WeakMap<EntityManager, MemberReads>();

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

  /**
   * myCourses will list the user's rooms and resolve `fields` of them: their counts and latest
   * messages are read now, for every room of the member, in parallel with the list itself; the
   * operation's states() and latest() calls take them.
   */
  prefetchMember(em: EntityManager, user: CurrentUser, fields: ReadonlySet<string>, byActivity: boolean): void {
    const counts = COUNT_FIELDS.some((f) => fields.has(f));
    const latest = byActivity || LATEST_FIELDS.some((f) => fields.has(f));
    if (!counts && !latest) return;
    // `me`'s totals may have started the counts already.
    const reads = this.memberRead(em, user) ?? { userId: user.id, at: Date.now() };
    // The operation's own calls report a failure.
    if (counts && !reads.counts) (reads.counts = this.readStates(em, user, "member")).catch(() => undefined);
    if (latest && !reads.latest) (reads.latest = this.readLatest(em, user, "member")).catch(() => undefined);
    this.memberReads.set(em, reads);
  }

  /** Read state of the rooms among `courseIds` the user is a member of (others are absent). */
  states(em: EntityManager, user: CurrentUser, courseIds: number[]): Promise<Map<number, RoomReadState>> {
    const early = this.memberRead(em, user)?.counts;
    return early ? covering(early, courseIds, (missing) => this.readStates(em, user, missing)) : this.readStates(em, user, courseIds);
  }

  /** Read state of every room the user is a member of (`me`'s totals). */
  memberStates(em: EntityManager, user: CurrentUser): Promise<Map<number, RoomReadState>> {
    const reads = this.memberRead(em, user) ?? { userId: user.id, at: Date.now() };
    reads.counts ??= this.readStates(em, user, "member");
    this.memberReads.set(em, reads);
    return reads.counts;
  }

  private memberRead(em: EntityManager, user: CurrentUser): MemberReads | undefined {
    const reads = this.memberReads.get(em);
    return reads && reads.userId === user.id && Date.now() - reads.at <= MEMBER_READ_MS ? reads : undefined;
  }

  private async readStates(em: EntityManager, user: CurrentUser, which: number[] | "member"): Promise<Map<number, RoomReadState>> {
    const source: RoomsSource = which === "member" ? "member" : "ids";
    // Positions still being gathered here count at once; the query takes the further of them and the stored marker.
    let ids: number[];
    if (which === "member") ids = [...this.pending.values()].flatMap((p) => (p.userId === user.id ? [p.courseId] : []));
    else if ((ids = [...new Set(which)]).length === 0) return new Map();
    const { reader, database } = this.options;
    const reads = ids.map((id) => this.pending.get(`${user.id}:${id}`)?.messageId ?? 0);
    const positions = database === "postgresql" ? [intArray(ids), intArray(reads)] : [JSON.stringify(ids.map((id, i) => [id, reads[i]]))];
    const rooms = source === "member" ? [user.id, user.id, ...positions] : positions;
    const staff = isStaff(user) ? 1 : 0;
    const rows = await reader.read<{ course_id: number | string; last_read: number | string; unread: number | string; first_unread: number | string | null; mentions: number | string }>(
      em,
      countsSql(database, source),
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
    const early = this.memberRead(em, user)?.latest;
    if (early) return covering(early, courseIds, (missing) => this.readLatest(em, user, missing));
    // myCourses(orderBy: ACTIVITY) sorts by it and then shows it: one read per operation (its fork) serves both.
    const key = roomsKey(user, courseIds);
    let memo = this.latestReads.get(em);
    if (!memo) this.latestReads.set(em, (memo = new Map()));
    let read = memo.get(key);
    // A fork kept longer (a subscription's) reads again after a second.
    if (!read || Date.now() - read.at > 1000) memo.set(key, (read = { at: Date.now(), rows: this.readLatest(em, user, courseIds) }));
    return read.rows;
  }

  private async readLatest(em: EntityManager, user: CurrentUser, which: number[] | "member"): Promise<Map<number, RoomActivity>> {
    const ids = which === "member" ? [] : [...new Set(which)];
    if (which !== "member" && ids.length === 0) return new Map();
    const staff = isStaff(user) ? 1 : 0;
    const rooms = which === "member" ? [user.id, user.id] : [this.options.reader.ids(ids)];
    const source: RoomsSource = which === "member" ? "member" : "ids";
    const rows = await this.options.reader.read<{ course_id: number | string; created_at: unknown; latest_id: number | string | null; sent_on: unknown }>(em, latestSql(this.options.database, source), [
      ...rooms,
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

/**
 * A read of every room of a member answers for the rooms among `ids` it found; those it did not
 * (a room joined since, or one the user is not in) are read on their own.
 */
async function covering<T>(early: Promise<Map<number, T>>, ids: number[], read: (missing: number[]) => Promise<Map<number, T>>): Promise<Map<number, T>> {
  const found = await early;
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length === 0) return found;
  return new Map([...found, ...(await read(missing))]);
}
