import { type EntityManager, type MikroORM } from "@mikro-orm/core";
import type { SqlEntityManager } from "@mikro-orm/knex";
import type { Logger } from "pino";
import { z } from "zod";
import { type CurrentUser, isStaff } from "../auth/current-user.js";
import type { Role } from "../auth/user.entity.js";
import type { DatabaseTarget } from "../config.js";
import { type CourseService, type RoomAccess, roomAccessFor, type RoomRow } from "../courses/course.service.js";
import { Coalescer } from "../db/coalescer.js";
import { PostgresConnection } from "../db/postgres-connection.js";
import { intArray, lockRoomsSql } from "../db/room-lock.js";
import { SqliteConnection } from "../db/sqlite-connection.js";
import { BadUserInputError, CannotResumeError, ForbiddenError, RateLimitedError } from "../errors.js";
import { parseId } from "../ids.js";
import type { Metrics } from "../metrics.js";
import type { RoomBus } from "../realtime/room-bus.js";
import { type DeletionEvent, type ReplayThenLiveOptions, replayThenLive, type RevocationEvent, type StreamEvent } from "../realtime/replay.js";
import { isStorableText, parseInput } from "../validation.js";
import { Message } from "./message.entity.js";
import { MessageWriter } from "./message-writer.js";
import { filterStream } from "../realtime/streams.js";
import { type MessagePayload, MessageView, toPayload } from "./message.type.js";
import type { SendRateLimiter, SlowModeLimiter } from "./send-rate-limiter.js";

export const MAX_MESSAGE_LENGTH = 4000;
/** The room topic carrying MessagePayloads. */
export const MESSAGES_TOPIC = "messages";

const contentSchema = z
  .string()
  .trim()
  .min(1, "A message cannot be empty.")
  .refine((text) => [...text].length <= MAX_MESSAGE_LENGTH, `A message is at most ${MAX_MESSAGE_LENGTH} characters.`)
  .refine(isStorableText, "A message must be well-formed Unicode text without NUL characters.");

const clientMessageIdSchema = z
  .string()
  .min(1, "clientMessageId must not be empty.")
  .max(64, "clientMessageId is at most 64 characters.")
  .refine(isStorableText, "clientMessageId must be well-formed Unicode text without NUL characters.");

const lastSchema = z.number().int().min(1, "last must be between 1 and 100.").max(100, "last must be between 1 and 100.");

export interface HistoryPage {
  last: number;
  before?: string | null | undefined;
  after?: string | null | undefined;
}

function cursor(value: string | null | undefined, field: string): number | null {
  if (value === null || value === undefined) return null;
  const id = parseId(value);
  if (id === null) throw new BadUserInputError(`${field} must be a message id.`, field);
  return id;
}

/** For each cursor, the course of that message (null if none) and the room's newest id. */
const RESUMABLE = {
  postgresql: `select c as cursor, (select course_id from messages where id = c) as course_id,
      (select max(id) from messages where course_id = ?) as latest from unnest(?::bigint[]) as c`,
  sqlite: `select value as cursor, (select course_id from messages where id = value) as course_id,
      (select max(id) from messages where course_id = ?) as latest from json_each(?)`,
};
interface ResumableRow {
  cursor: number | string;
  course_id: number | string | null;
  latest: number | string | null;
}

/**
 * PostgreSQL, under the room lock: the course, which of the users ($1) are enrolled, and which
 * cursors ($3) may resume: a message of this course ($2), or at least not beyond its newest.
 */
const ADMISSION_PG = `select c.owner_id, c.announcement_only, c.slow_mode_seconds,
    array(select s.user_id from course_students s where s.course_id = c.id and s.user_id = any($1::int[])) as enrolled,
    array(select x from unnest($3::bigint[]) as x
           where coalesce((select m.course_id from messages m where m.id = x), $2) = $2
             and x <= coalesce((select max(id) from messages where course_id = $2), 0)) as resumable
  from courses c where c.id = $2`;
interface AdmissionRow extends Omit<RoomRow, "enrolled"> {
  enrolled: (number | string)[];
  resumable: (number | string)[];
}

/** A subscriber entering a room: checked with the others entering it at the same moment. */
interface Entry {
  user: CurrentUser;
  courseId: number;
  /** Once subscribed: checked again under the room lock, with the resume cursor. */
  admission?: { resumeFrom: number | null };
}

const BACKLOG = `select m.id, m.content, m.sent_on, m.user_id, u.username, u.role
  from messages m join users u on u.id = m.user_id
  where m.course_id = ? and m.id > ? and m.deleted_at is null order by m.id asc limit ?`;
interface BacklogRow {
  id: number | string;
  content: string;
  /** SQLite: epoch milliseconds; PostgreSQL: a Date. */
  sent_on: number | Date;
  user_id: number | string;
  username: string;
  role: Role;
}

/** Messages kept as shared objects for replays: a few pages of a few busy rooms. */
const RECENTLY_READ_CAPACITY = 5000;

export class MessageService {
  private readonly backlogReads = new Map<string, { issuedAt: number; read: Promise<MessagePayload[]> }>();
  private readonly recentlyRead = new Map<string, MessagePayload>();
  /** Group commit; ids become visible in commit order per room (see MessageWriter). */
  private readonly writer: MessageWriter;
  private readonly entries: Coalescer<Entry, true>;
  /** Set on PostgreSQL: the hot transactions outside the ORM. */
  private readonly postgres: PostgresConnection | null;
  private readonly roomStreamParts: RoomStreamParts;

  constructor(
    private readonly orm: MikroORM,
    private readonly database: DatabaseTarget["kind"],
    private readonly courses: CourseService,
    private readonly bus: RoomBus,
    private readonly rateLimiter: SendRateLimiter | null,
    private readonly slowMode: SlowModeLimiter,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
    /** Set on SQLite: hot reads and writes with prepared statements. */
    private readonly sqlite: SqliteConnection | null = null,
  ) {
    const connection = sqlite ?? new PostgresConnection(orm);
    this.postgres = connection instanceof PostgresConnection ? connection : null;
    this.writer = new MessageWriter(connection);
    this.entries = new Coalescer((entries) => this.admit(entries));
    this.roomStreamParts = {
      bus: this.bus,
      metrics: this.metrics,
      enter: (entry) => this.entries.run(entry),
      latestId: async (courseId) => {
        // A fresh fork per read: a subscription may live for hours, an identity map must not.
        const [row] = await (this.orm.em.fork() as SqlEntityManager).execute<{ latest: number | string | null }[]>(
          "select max(id) as latest from messages where course_id = ?",
          [courseId],
        );
        return Number(row?.latest ?? 0);
      },
      storedAfter: (courseId, afterId, limit, liveSince) => this.storedAfter(courseId, afterId, limit, liveSince),
    };
  }

  async history(em: EntityManager, user: CurrentUser, courseId: unknown, page: HistoryPage): Promise<MessageView[]> {
    const course = (await this.courses.requireMember(em, user, courseId)).courseId;
    const last = parseInput(lastSchema, page.last, "last");
    const before = cursor(page.before, "before");
    const after = cursor(page.after, "after");
    if (before !== null && after !== null) throw new BadUserInputError("Give before or after, not both.", "after");
    const id = after !== null ? { $gt: after } : before !== null ? { $lt: before } : undefined;
    const rows = await em.find(
      Message,
      { course, deletedAt: null, ...(id ? { id } : {}) },
      { populate: ["user"], orderBy: { id: after !== null ? "asc" : "desc" }, limit: last },
    );
    if (after === null) rows.reverse();
    return rows.map((m) => MessageView.fromEntity(m));
  }

  /** Stored first, then published: what subscribers receive is exactly what history holds. */
  async send(em: EntityManager, user: CurrentUser, courseId: unknown, content: unknown, clientMessageId?: string | null): Promise<MessageView> {
    const started = performance.now();
    const text = parseInput(contentSchema, content, "content");
    const clientId = clientMessageId === null || clientMessageId === undefined ? null : parseInput(clientMessageIdSchema, clientMessageId, "clientMessageId");
    // A plain send is counted before any database work: a flood is refused for one Redis round
    // trip, not for the membership reads, so it cannot fill the connection pool in front of
    // everyone else's sends. A retry (clientMessageId) is counted only after its original is
    // looked up, so retrying a send that went through never costs a point.
    const countedEarly = clientId === null ? parseId(courseId) : null;
    if (countedEarly !== null) await this.limitSends(user, countedEarly);
    const room = await this.courses.requireMember(em, user, courseId);
    const course = room.courseId;
    // A retry of a send that already went through: the original, not a second post.
    const original = clientId === null ? null : await this.findByClientId(em, course, user.id, clientId);
    if (original) return original;
    if (room.announcementOnly && !room.moderator) {
      throw new ForbiddenError("This room is in announcement-only mode: only the instructor and staff may post.");
    }
    if (countedEarly === null) await this.limitSends(user, course);
    if (room.slowModeSeconds > 0 && !room.moderator) await this.countRefusal(this.slowMode.consume(user.id, course, room.slowModeSeconds));
    const stored = await this.writer.write({ courseId: course, userId: user.id, content: text, clientMessageId: clientId });
    if ("duplicateOf" in stored) {
      // Two copies of one retry raced: the other one stored it.
      const winner = await this.findByClientId(em.fork(), course, user.id, stored.duplicateOf);
      if (winner) return winner;
      throw new Error("a retried message was neither stored nor found");
    }
    const { message, previousId } = stored;
    this.metrics.messagesSent.inc();
    const payload = toPayload(message, user, previousId);
    try {
      await this.bus.publish(MESSAGES_TOPIC, course, payload, { retry: true });
    } catch (err) {
      // The message is stored: history, `after` and gap fills have it, and the bus publishes
      // it again once its link is back (unless a later message of the room gets there first).
      this.metrics.publishFailures.inc();
      this.logger.warn({ err, courseId: course, messageId: message.id }, "publish failed; retried when the link is back");
    }
    this.metrics.sendLatency.observe((performance.now() - started) / 1000);
    return MessageView.fromPayload(payload);
  }

  /** SEND_RATE_LIMIT; staff are exempt. */
  private async limitSends(user: CurrentUser, courseId: number): Promise<void> {
    if (this.rateLimiter && !isStaff(user)) await this.countRefusal(this.rateLimiter.consume(user.id, courseId));
  }

  private async countRefusal(check: Promise<void>): Promise<void> {
    try {
      await check;
    } catch (err) {
      if (err instanceof RateLimitedError) this.metrics.rateLimited.inc();
      throw err;
    }
  }

  private async findByClientId(em: EntityManager, courseId: number, userId: number, clientMessageId: string): Promise<MessageView | null> {
    const message = await em.findOne(Message, { course: courseId, user: userId, clientMessageId }, { populate: ["user"] });
    return message ? MessageView.fromEntity(message) : null;
  }

  /**
   * The live room: membership checked, then replay from `after` and live events, additions
   * and deletions in one order. The stream ends with FORBIDDEN when the user loses the room.
   */
  async roomStream(user: CurrentUser, courseId: unknown, after: string | null | undefined): Promise<AsyncIterableIterator<MessagePayload | DeletionEvent>> {
    const resumeFrom = cursor(after, "after");
    const course = parseId(courseId);
    if (course === null) throw new ForbiddenError();
    await this.entries.run({ user, courseId: course });
    return replayThenLive<MessagePayload>(new RoomStreamOptions(this.roomStreamParts, user, course, resumeFrom));
  }

  /** Additions only, for `messageAdded`. */
  async subscribe(user: CurrentUser, courseId: unknown, after: string | null | undefined): Promise<AsyncIterableIterator<MessagePayload>> {
    return filterStream(await this.roomStream(user, courseId, after), (event): event is MessagePayload => event.kind === "added");
  }

  /**
   * Subscribers entering rooms, checked together: a room's reconnect storm costs a few queries
   * per batch instead of a few per subscriber. Membership first; once subscribed, membership
   * again and the resume cursor, under the room lock on PostgreSQL: a removal publishes its
   * revocation under that lock before committing, so checking under it after subscribing closes
   * the window in between. (SQLite has no lock and one connection: a revocation's transaction
   * holds it, so plain reads on it come either before that transaction or after its commit.)
   */
  private async admit(entries: Entry[]): Promise<(true | Error)[]> {
    const results = new Map<Entry, true | Error>();
    const rooms = new Map<string, Entry[]>();
    for (const entry of entries) {
      const key = `${entry.courseId}:${entry.admission ? "admit" : "enter"}`;
      const room = rooms.get(key);
      if (room) room.push(entry);
      else rooms.set(key, [entry]);
    }
    await Promise.all(
      [...rooms.values()].map(async (room) => {
        const { courseId, admission } = room[0]!;
        const settle = (access: Map<number, RoomAccess | null>, resumable: Set<number>) => {
          for (const entry of room) {
            const resumeFrom = entry.admission?.resumeFrom ?? null;
            if (!access.get(entry.user.id)) results.set(entry, new ForbiddenError());
            else if (resumeFrom !== null && !resumable.has(resumeFrom)) results.set(entry, new CannotResumeError());
            else results.set(entry, true);
          }
        };
        const check = async (em: EntityManager) => {
          const access = await this.courses.roomAccessMany(em, courseId, room.map((e) => e.user));
          const cursors = room.flatMap((e) => (e.admission?.resumeFrom ? [e.admission.resumeFrom] : []));
          settle(access, cursors.length > 0 ? await this.resumableCursors(em, courseId, cursors) : new Set<number>());
        };
        try {
          if (!admission || !this.postgres) await check(this.orm.em.fork());
          else {
            // Three round trips: BEGIN with the room lock, both checks in one statement, COMMIT.
            await this.postgres.transaction(lockRoomsSql([courseId]), async (query) => {
              const cursors = [...new Set(room.flatMap((e) => (e.admission?.resumeFrom ? [e.admission.resumeFrom] : [])))];
              const [row] = await query<AdmissionRow>(ADMISSION_PG, [intArray(room.map((e) => e.user.id)), courseId, intArray(cursors)]);
              const access = roomAccessFor(courseId, row, new Set((row?.enrolled ?? []).map(Number)), room.map((e) => e.user));
              settle(access, new Set((row?.resumable ?? []).map(Number)));
            });
          }
        } catch (err) {
          for (const entry of room) results.set(entry, err instanceof Error ? err : new Error(String(err)));
        }
      }),
    );
    return entries.map((entry) => results.get(entry)!);
  }

  /** The cursors that may resume this room: a message of it, or at least not beyond its newest. */
  private async resumableCursors(em: EntityManager, courseId: number, cursors: number[]): Promise<Set<number>> {
    const distinct = [...new Set(cursors)];
    const rows = this.sqlite
      ? await this.read<ResumableRow>(em, RESUMABLE.sqlite, [courseId, JSON.stringify(distinct)])
      : await this.read<ResumableRow>(em, RESUMABLE.postgresql, [courseId, `{${distinct.join(",")}}`]);
    const resumable = new Set<number>();
    for (const row of rows) {
      const cursor = Number(row.cursor);
      const ownedByAnother = row.course_id !== null && Number(row.course_id) !== courseId;
      if (!ownedByAnother && cursor <= Number(row.latest ?? 0)) resumable.add(cursor);
    }
    return resumable;
  }

  /**
   * Stored messages after `afterId`. Many subscribers resuming at once (a reconnect storm)
   * share reads: a read already issued for the same page is joined when it was issued after
   * the caller's live subscription started (`liveSince`), so it cannot miss anything published
   * before that. And every message read is one shared object per id, so the subscription's
   * shared execution renders and serialises it once for all of them.
   */
  private storedAfter(courseId: number, afterId: number, limit: number, liveSince: number): Promise<MessagePayload[]> {
    const key = `${courseId}:${afterId}:${limit}`;
    const pending = this.backlogReads.get(key);
    if (pending && pending.issuedAt >= liveSince) return pending.read;
    const issuedAt = performance.now();
    const read = this.readStoredAfter(courseId, afterId, limit).finally(() => {
      if (this.backlogReads.get(key)?.read === read) this.backlogReads.delete(key);
    });
    this.backlogReads.set(key, { issuedAt, read });
    return read;
  }

  private async readStoredAfter(courseId: number, afterId: number, limit: number): Promise<MessagePayload[]> {
    // Plain rows, not entities: a storm reads the same pages for a thousand subscribers, and
    // hydrating entities was a fifth of its CPU.
    const rows = await this.read<BacklogRow>(this.orm.em.fork(), BACKLOG, [courseId, afterId, limit]);
    // Within a page, each message's predecessor is the one before it (replays do not check it).
    return rows.map((row, i) =>
      this.shared(
        toPayload(
          { id: Number(row.id), course: { id: courseId }, content: row.content, sentOn: new Date(row.sent_on) },
          { id: Number(row.user_id), username: row.username, role: row.role },
          i === 0 ? afterId : Number(rows[i - 1]!.id),
        ),
      ),
    );
  }

  /** A plain read: on SQLite with a prepared statement (unless `em` is in a transaction). */
  private async read<T>(em: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
    if (this.sqlite && SqliteConnection.usable(em)) return this.sqlite.run((_db, prepare) => prepare(sql).all(...params) as T[]);
    return (em as SqlEntityManager).execute<T[]>(sql, params);
  }

  /** One object per recently read message (a message never changes; a deleted one is not read again). */
  private shared(payload: MessagePayload): MessagePayload {
    const known = this.recentlyRead.get(payload.id);
    if (known) return known;
    if (this.recentlyRead.size >= RECENTLY_READ_CAPACITY) this.recentlyRead.delete(this.recentlyRead.keys().next().value as string);
    this.recentlyRead.set(payload.id, payload);
    return payload;
  }
}

/** What every room stream needs from the service, made once. */
interface RoomStreamParts {
  bus: RoomBus;
  metrics: Metrics;
  enter(entry: Entry): Promise<true>;
  latestId(courseId: number): Promise<number>;
  storedAfter(courseId: number, afterId: number, limit: number, liveSince: number): Promise<MessagePayload[]>;
}

/**
 * One subscriber's room stream (see replayThenLive): methods on a prototype rather than ten
 * closures per open subscription, which idle sockets pay for in memory.
 */
class RoomStreamOptions implements ReplayThenLiveOptions<MessagePayload> {
  /** When the live subscription started: backlog reads issued since then may be shared. */
  private liveSince = Number.POSITIVE_INFINITY;

  constructor(
    private readonly parts: RoomStreamParts,
    private readonly user: CurrentUser,
    private readonly course: number,
    readonly after: number | null,
  ) {}

  onOpen(): void {
    this.parts.metrics.activeSubscriptions.inc();
  }

  async subscribe(push: (event: StreamEvent<MessagePayload>) => void): Promise<() => void> {
    const unsubscribe = await this.parts.bus.subscribe(MESSAGES_TOPIC, this.course, push, () => push({ kind: "resync" }));
    this.liveSince = performance.now();
    return unsubscribe;
  }

  /** Checked again now that it is subscribed, under the room lock (see MessageService.admit). */
  async afterSubscribe(): Promise<void> {
    await this.parts.enter({ user: this.user, courseId: this.course, admission: { resumeFrom: this.after } });
  }

  revocationError(event: RevocationEvent): Error | null {
    return event.userId === String(this.user.id) ? new ForbiddenError() : null;
  }

  overflowError(): Error {
    return new RateLimitedError(1, "Too far behind: subscribe again with `after` to catch up.");
  }

  latestId(): Promise<number> {
    return this.parts.latestId(this.course);
  }

  loadAfter(afterId: number, limit: number): Promise<MessagePayload[]> {
    return this.parts.storedAfter(this.course, afterId, limit, this.liveSince);
  }

  onYield(event: MessagePayload, live: boolean): void {
    const { metrics } = this.parts;
    metrics.messagesDelivered.inc({ source: live ? "live" : "replay" });
    if (live) metrics.deliveryLatency.observe(Math.max(0, Date.now() - Date.parse(event.sentOn)) / 1000);
  }

  onGapFill(count: number): void {
    this.parts.metrics.backfilled.inc(count);
  }

  onClose(): void {
    this.parts.metrics.activeSubscriptions.dec();
  }
}
