import type { EntityManager, MikroORM } from "@mikro-orm/core";
import type { AuthService } from "../auth/auth.service.js";
import type { CurrentUser } from "../auth/current-user.js";
import type { CourseService } from "../courses/course.service.js";
import { Coalescer } from "../db/coalescer.js";
import { isoDate, type RawReader } from "../db/raw-reader.js";
import { BadUserInputError, CannotResumeError, ForbiddenError, RateLimitedError } from "../errors.js";
import { parseId } from "../ids.js";
import type { Metrics } from "../metrics.js";
import type { FlowControl } from "../realtime/operations.js";
import { type ReplayThenLiveOptions, replayThenLive, type ResyncEvent } from "../realtime/replay.js";
import type { RoomBus } from "../realtime/room-bus.js";
import type { DirectOffering } from "../realtime/streams.js";
import { EventKind, ROOM_TOPIC, type RoomSettingsData, type TimelineEvent } from "./events.js";
import type { Hydrate } from "./timeline-writer.js";

/** A subscriber entering a room: checked with the others entering it at the same moment. */
interface Entry {
  user: CurrentUser;
  courseId: number;
  /** Where it resumes; checked with its membership once subscribed. */
  resumeFrom: number | null;
}

interface EventRow {
  id: number | string;
  course_id: number | string;
  kind: string;
  message_id: number | string | null;
  user_id: number | string | null;
  data: string | null;
  created_at: unknown;
}

export interface RoomStreamsOptions {
  orm: MikroORM;
  reader: RawReader;
  courses: CourseService;
  auth: AuthService;
  bus: RoomBus;
  metrics: Metrics;
  hydrate: Hydrate;
  /** How many events back a subscription may resume (MAX_RESUME_DEPTH). */
  maxResumeDepth: number;
}

/**
 * Rooms as streams of their timeline: membership checked, then every event after the cursor
 * read from storage, then live ones, in one order (realtime/replay.ts). A stream ends with
 * FORBIDDEN at the event that removes its subscriber, or when a change to the subscriber
 * (a role) means they may no longer see the room.
 */
export class RoomStreams {
  /** Entering subscribers checked together: a reconnect storm costs a query per room per batch. */
  private readonly entries = new Coalescer<Entry, true>((entries) => this.admit(entries));
  /** Backlog pages being read, joined by subscribers that ask for the same page meanwhile. */
  private readonly backlogReads = new Map<string, { issuedAt: number; read: Promise<TimelineEvent[]> }>();
  private readonly sql;
  /**
   * For a subscriber's plain reads (its membership, its room's newest event, the user as they are now): rows,
   * never entities, so one EntityManager serves them all with its identity map empty, where a
   * fork per read was a noticeable part of each subscription's CPU.
   */
  private readonly reads: EntityManager;

  constructor(private readonly options: RoomStreamsOptions) {
    this.reads = options.orm.em.fork();
    const { reader } = options;
    this.sql = {
      page: `select id, course_id, kind, message_id, user_id, data, created_at from room_events
        where course_id = ? and id > ? order by id limit ?`,
      latest: "select max(id) as latest from room_events where course_id = ?",
      // For each cursor: the room of that event (null: none), the room's newest event, and the
      // oldest cursor within MAX_RESUME_DEPTH events of it (null while the room holds fewer).
      resumable: `select c.value as cursor, (select course_id from room_events where id = c.value) as course_id,
          (select max(id) from room_events where course_id = ?) as latest,
          (select id from room_events where course_id = ? order by id desc limit 1 offset ${reader.sqlite ? "?" : "?::int"}) as floor
        from ${reader.sqlite ? "json_each(?) c" : "(select unnest(?::bigint[]) as value) c"}`,
    };
  }

  /** The room's events after `after` (or from now), then live; the subscriber's access checked first. */
  async open(user: CurrentUser, courseId: unknown, after: string | null | undefined, flow: FlowControl | null): Promise<AsyncIterableIterator<TimelineEvent> & DirectOffering<TimelineEvent>> {
    const resumeFrom = after === null || after === undefined ? null : parseId(after);
    if (after !== null && after !== undefined && resumeFrom === null) throw new BadUserInputError("after must be a cursor (an event's or a message's id).", "after");
    const course = parseId(courseId);
    if (course === null) throw new ForbiddenError();
    await this.entries.run({ user, courseId: course, resumeFrom: null });
    return replayThenLive<TimelineEvent>(new RoomStreamOptions(this, user, course, resumeFrom, flow));
  }

  enter(entry: Entry): Promise<true> {
    return this.entries.run(entry);
  }

  /** The subscriber as they are now may still see the room. */
  async checkAccess(userId: number, courseId: number): Promise<void> {
    const user = await this.options.auth.currentUser(this.reads, userId);
    if (!user) throw new ForbiddenError();
    await this.entries.run({ user, courseId, resumeFrom: null });
  }

  watch(userId: number, onChange: () => void): () => void {
    return this.options.auth.watch(userId, onChange);
  }

  subscribe(courseId: number, push: (event: TimelineEvent | ResyncEvent) => void): Promise<() => void> {
    return this.options.bus.subscribe(ROOM_TOPIC, courseId, push, () => push({ kind: "resync" }));
  }

  get metrics(): Metrics {
    return this.options.metrics;
  }

  async latestId(courseId: number): Promise<number> {
    const [row] = await this.options.reader.read<{ latest: number | string | null }>(this.reads, this.sql.latest, [courseId]);
    return Number(row?.latest ?? 0);
  }

  /**
   * Stored events after `afterId`. Many subscribers resuming at once (a reconnect storm) share
   * reads: a read already issued for the same page is joined when it was issued after the
   * caller's live subscription started (`liveSince`), so it cannot miss anything published
   * before that — and its events are one object each, which the subscription's shared
   * execution renders and serialises once for all of them.
   */
  storedAfter(courseId: number, afterId: number, limit: number, liveSince: number): Promise<TimelineEvent[]> {
    const key = `${courseId}:${afterId}:${limit}`;
    const pending = this.backlogReads.get(key);
    if (pending && pending.issuedAt >= liveSince) return pending.read;
    const issuedAt = performance.now();
    const read = this.readAfter(courseId, afterId, limit).finally(() => {
      if (this.backlogReads.get(key)?.read === read) this.backlogReads.delete(key);
    });
    this.backlogReads.set(key, { issuedAt, read });
    return read;
  }

  private async readAfter(courseId: number, afterId: number, limit: number): Promise<TimelineEvent[]> {
    const em = this.options.orm.em.fork();
    const rows = await this.options.reader.read<EventRow>(em, this.sql.page, [courseId, afterId, limit]);
    const messageIds = rows.flatMap((row) => (row.message_id === null || row.kind === EventKind.MessageDeleted ? [] : [Number(row.message_id)]));
    const messages = messageIds.length ? await this.options.hydrate(em, messageIds) : new Map<number, unknown>();
    // Within a page, each event's predecessor is the one before it (replays do not check it).
    return rows.map((row, i): TimelineEvent => {
      const messageId = row.message_id === null ? null : Number(row.message_id);
      const message = messageId === null || row.kind === EventKind.MessageDeleted ? undefined : messages.get(messageId);
      return {
        id: Number(row.id),
        previousId: i === 0 ? afterId : Number(rows[i - 1]!.id),
        courseId,
        kind: row.kind as EventKind,
        messageId,
        userId: row.user_id === null ? null : Number(row.user_id),
        at: isoDate(row.created_at),
        ...(message === undefined ? {} : { message }),
        ...(row.data ? { settings: JSON.parse(row.data) as RoomSettingsData } : {}),
      };
    });
  }

  /**
   * Subscribers entering rooms, checked together: membership, and once subscribed the resume
   * cursor. No lock is needed: a removal is itself an event of the room, stored and published
   * after the commit, and the stream (subscribed before it checks) ends at it.
   */
  private async admit(entries: Entry[]): Promise<(true | Error)[]> {
    const byRoom = new Map<number, Entry[]>();
    for (const entry of entries) {
      const room = byRoom.get(entry.courseId);
      if (room) room.push(entry);
      else byRoom.set(entry.courseId, [entry]);
    }
    const results = new Map<Entry, true | Error>();
    await Promise.all(
      [...byRoom].map(async ([courseId, room]) => {
        try {
          const em = this.reads;
          const cursors = [...new Set(room.flatMap((e) => (e.resumeFrom === null ? [] : [e.resumeFrom])))];
          const [access, resumable] = await Promise.all([
            this.options.courses.roomAccessMany(em, courseId, room.map((e) => e.user)),
            cursors.length ? this.resumableCursors(em, courseId, cursors) : Promise.resolve(new Set<number>()),
          ]);
          for (const entry of room) {
            if (!access.get(entry.user.id)) results.set(entry, new ForbiddenError());
            else if (entry.resumeFrom !== null && !resumable.has(entry.resumeFrom)) results.set(entry, new CannotResumeError());
            else results.set(entry, true);
          }
        } catch (err) {
          for (const entry of room) results.set(entry, err instanceof Error ? err : new Error(String(err)));
        }
      }),
    );
    return entries.map((entry) => results.get(entry)!);
  }

  /**
   * The cursors that may resume this room: an event of it (or at least not beyond its newest),
   * at most MAX_RESUME_DEPTH events back. Deeper, the client reloads history instead: a replay
   * that long would be slower than a reload and hold the room's stream for minutes.
   */
  private async resumableCursors(em: EntityManager, courseId: number, cursors: number[]): Promise<Set<number>> {
    const { reader, maxResumeDepth } = this.options;
    const rows = await reader.read<{ cursor: number | string; course_id: number | string | null; latest: number | string | null; floor: number | string | null }>(
      em,
      this.sql.resumable,
      [courseId, courseId, maxResumeDepth, reader.ids(cursors)],
    );
    const resumable = new Set<number>();
    for (const row of rows) {
      const cursor = Number(row.cursor);
      const ownedByAnother = row.course_id !== null && Number(row.course_id) !== courseId;
      if (!ownedByAnother && cursor <= Number(row.latest ?? 0) && cursor >= Number(row.floor ?? 0)) resumable.add(cursor);
    }
    return resumable;
  }
}

/**
 * One subscriber's room stream (see replayThenLive): methods on a prototype rather than a
 * dozen closures per open subscription, which idle sockets pay for in memory.
 */
class RoomStreamOptions implements ReplayThenLiveOptions<TimelineEvent> {
  /** When the live subscription started: backlog reads issued since then may be shared. */
  private liveSince = Number.POSITIVE_INFINITY;

  constructor(
    private readonly streams: RoomStreams,
    private readonly user: CurrentUser,
    private readonly course: number,
    readonly after: number | null,
    private readonly flow: FlowControl | null,
  ) {}

  onOpen(): void {
    this.streams.metrics.activeSubscriptions.inc();
  }

  async subscribe(push: (event: TimelineEvent | ResyncEvent) => void): Promise<() => void> {
    const unsubscribe = await this.streams.subscribe(this.course, push);
    this.liveSince = performance.now();
    return unsubscribe;
  }

  /**
   * Checked again now that it is subscribed, with the resume cursor: a removal committed
   * before this check is seen by it, one committed after reaches the subscription.
   */
  async afterSubscribe(): Promise<void> {
    await this.streams.enter({ user: this.user, courseId: this.course, resumeFrom: this.after });
  }

  endsWith(event: TimelineEvent): Error | null {
    return event.kind === EventKind.MemberRemoved && event.userId === this.user.id ? new ForbiddenError() : null;
  }

  checkAccess(): Promise<void> {
    return this.streams.checkAccess(this.user.id, this.course);
  }

  watch(onChange: () => void): () => void {
    return this.streams.watch(this.user.id, onChange);
  }

  /** A replay goes at the client's pace, and lets every other request run between its turns. */
  async pace(): Promise<void> {
    const waiting = this.flow?.writable();
    if (waiting) await waiting;
    else await new Promise<void>((resolve) => setImmediate(resolve));
  }

  overflowError(): Error {
    return new RateLimitedError(1, "Too far behind: subscribe again with `after` to catch up.");
  }

  latestId(): Promise<number> {
    return this.streams.latestId(this.course);
  }

  loadAfter(afterId: number, limit: number): Promise<TimelineEvent[]> {
    return this.streams.storedAfter(this.course, afterId, limit, this.liveSince);
  }

  onYield(event: TimelineEvent, live: boolean): void {
    this.streams.metrics.delivered(live, event.at);
  }

  onGapFill(count: number): void {
    this.streams.metrics.backfilled.inc(count);
  }

  onClose(): void {
    this.streams.metrics.activeSubscriptions.dec();
  }
}
