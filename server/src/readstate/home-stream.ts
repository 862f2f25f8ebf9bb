import type { MikroORM } from "@mikro-orm/core";
import type { AuthService } from "../auth/auth.service.js";
import type { CurrentUser } from "../auth/current-user.js";
import type { CourseService } from "../courses/course.service.js";
import { isoOrNull, type RawReader } from "../db/raw-reader.js";
import { BadUserInputError, ForbiddenError } from "../errors.js";
import { mayRead } from "../messages/anonymity.js";
import type { MessageData } from "../messages/message-data.js";
import type { MessageService } from "../messages/message.service.js";
import type { RoomBus } from "../realtime/room-bus.js";
import { EventKind, ROOM_TOPIC, type TimelineEvent } from "../timeline/events.js";
import type { MarkerMoved, ReadStateService, RoomReadState } from "./read-state.service.js";

/** Why a room's state is sent; the later reasons of a gathered batch win (see WEIGHT). */
export type RoomUpdateKindData = "SNAPSHOT" | "MESSAGE" | "CHANGED" | "READ" | "JOINED" | "LEFT";
const WEIGHT: Record<RoomUpdateKindData, number> = { CHANGED: 0, READ: 1, SNAPSHOT: 2, MESSAGE: 3, JOINED: 4, LEFT: 5 };

/** One room's state for the home screen, as the subscriber may see it now. */
export interface RoomUpdateData {
  /** Pass as `myRoomsUpdated(after:)` to get, on resubscribing, every room changed since. */
  cursor: string;
  courseId: string;
  kind: RoomUpdateKindData;
  /** Null once the user left or lost the room (LEFT). */
  state: RoomReadState | null;
  lastMessage: MessageData | null;
  lastActivityAt: string | null;
}

/** Updates of one room within this long are sent as one (a busy room costs a query per subscriber per gathering, not per message). */
export const GATHER_MS = 50;
/**
 * A resume re-sends the rooms changed since this long before the cursor: covers changes
 * stored before their commit, clocks of instances apart, and markers still being gathered.
 * Updates are states, not deltas, so sending one again is harmless.
 */
export const RESUME_SLACK_MS = 5000;

interface Control {
  closed: boolean;
  wake: (() => void) | null;
}

export interface HomeStreamOptions {
  orm: MikroORM;
  reader: RawReader;
  auth: AuthService;
  courses: CourseService;
  messages: MessageService;
  readState: ReadStateService;
  bus: RoomBus;
}

const MESSAGE_EVENTS = new Set<string>([EventKind.MessageAdded, EventKind.MessageEdited, EventKind.MessageDeleted, EventKind.AuthorRevealed]);

/**
 * The per-user home stream: for every room the user belongs to, its read state, counts and
 * latest message, sent at first (or, resuming, for the rooms changed since the cursor) and
 * again whenever a message changes there, the user's marker moves on any device, or they join
 * or leave. Each state is read from the database as the user is at that moment, membership
 * included: a removed member's next update of that room is LEFT, and nothing after it.
 */
export class HomeStreams {
  constructor(private readonly options: HomeStreamOptions) {}

  /** BAD_USER_INPUT for a cursor that is not one, before the stream starts. */
  async open(user: CurrentUser, after: string | null | undefined): Promise<AsyncIterableIterator<RoomUpdateData>> {
    if (after !== null && after !== undefined && !/^\d{1,15}$/.test(after)) throw new BadUserInputError("after must be a cursor from myRoomsUpdated.", "after");
    const control: Control = { closed: false, wake: null };
    const updates = this.run(user, after === null || after === undefined ? null : Number(after), control);
    // An async generator's return() waits for the pending next(), which may wait for hours on a
    // quiet user: ending wakes it, so the stream's subscriptions go at once.
    const iterator: AsyncIterableIterator<RoomUpdateData> = {
      next: () => updates.next(),
      return: () => {
        control.closed = true;
        control.wake?.();
        return updates.return(undefined);
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  private async *run(user: CurrentUser, since: number | null, control: Control): AsyncGenerator<RoomUpdateData> {
    const dirty = new Map<number, RoomUpdateKindData>();
    const rooms = new Map<number, Promise<() => void>>();
    let relist = false;
    const mark = (courseId: number, kind: RoomUpdateKindData) => {
      const before = dirty.get(courseId);
      if (before === undefined || WEIGHT[kind] > WEIGHT[before]) dirty.set(courseId, kind);
      control.wake?.();
    };
    const follow = (courseId: number) => {
      if (rooms.has(courseId)) return;
      const stop = this.options.bus.subscribe<TimelineEvent<MessageData>>(
        ROOM_TOPIC,
        courseId,
        (event) => {
          if (event.kind === EventKind.MemberRemoved) {
            if (event.userId === user.id) mark(courseId, "LEFT");
          } else if (MESSAGE_EVENTS.has(event.kind) && (!event.message || mayRead(user, event.message))) {
            mark(courseId, event.kind === EventKind.MessageAdded ? "MESSAGE" : "CHANGED");
          }
        },
        () => mark(courseId, "CHANGED"),
      );
      const entry: Promise<() => void> = stop.catch(() => {
        // Not followed (the bus is away): listed again, and followed, when the user channel resyncs.
        if (rooms.get(courseId) === entry) rooms.delete(courseId);
        return () => {};
      });
      rooms.set(courseId, entry);
    };
    const unfollow = (courseId: number) => {
      void rooms.get(courseId)?.then((stop) => stop());
      rooms.delete(courseId);
    };
    const stopUser = await this.options.readState.follow(
      user.id,
      (moved: MarkerMoved) => {
        if (moved.joined) {
          follow(moved.courseId);
          mark(moved.courseId, "JOINED");
        } else if (rooms.has(moved.courseId)) mark(moved.courseId, "READ");
      },
      () => {
        relist = true;
        control.wake?.();
      },
    );
    const stopWatch = this.options.auth.watch(user.id, () => {
      relist = true;
      control.wake?.();
    });
    const sent = new Map<number, string>();
    try {
      // Subscribed first, then listed and read: nothing that happens meanwhile is missed.
      const listed = await this.options.courses.memberCourseIds(this.options.orm.em.fork(), user);
      for (const id of listed) follow(id);
      await Promise.all(rooms.values());
      for (const id of since === null ? listed : await this.changedSince(user, [...listed], since)) mark(id, "SNAPSHOT");
      while (!control.closed) {
        if (dirty.size === 0 && !relist) await new Promise<void>((resolve) => (control.wake = resolve));
        control.wake = null;
        if (control.closed) return;
        await new Promise((resolve) => setTimeout(resolve, GATHER_MS));
        const em = this.options.orm.em.fork();
        // As the user is now: a role taken away since the stream began counts from here on.
        const now = await this.options.auth.currentUser(em, user.id);
        if (!now) throw new ForbiddenError();
        if (relist) {
          relist = false;
          const current = await this.options.courses.memberCourseIds(em, now);
          for (const id of current) {
            if (rooms.has(id)) continue;
            follow(id);
            mark(id, "JOINED");
          }
          for (const id of rooms.keys()) if (!current.has(id)) mark(id, "LEFT");
        }
        const batch = [...dirty];
        dirty.clear();
        if (batch.length === 0) continue;
        const cursor = String(Date.now());
        const ids = batch.map(([id]) => id);
        const [states, latest] = await Promise.all([this.options.readState.states(em, now, ids), this.options.readState.latest(em, now, ids)]);
        const messageIds = [...latest.values()].flatMap((a) => (a.latestMessageId === null ? [] : [a.latestMessageId]));
        const data = new Map((await this.options.messages.dataFor(em, messageIds, now)).map((m) => [Number(m.id), m]));
        for (const [id, kind] of batch) {
          const state = states.get(id) ?? null;
          const activity = latest.get(id);
          if (kind === "LEFT" || !state || !activity) {
            // Not a member any more (or the course is gone): one LEFT, then nothing of it.
            if (!rooms.has(id) && !sent.has(id)) continue;
            unfollow(id);
            sent.delete(id);
            yield { cursor, courseId: String(id), kind: "LEFT", state: null, lastMessage: null, lastActivityAt: null };
            continue;
          }
          if (!rooms.has(id)) continue;
          const lastMessage = activity.latestMessageId === null ? null : (data.get(activity.latestMessageId) ?? null);
          const update: RoomUpdateData = { cursor, courseId: String(id), kind, state, lastMessage, lastActivityAt: isoOrNull(activity.at) };
          // A change the user cannot see (an edit in a private thread, say) leaves the state as it was: nothing to send.
          const fingerprint = JSON.stringify([state, lastMessage]);
          if ((kind === "CHANGED" || kind === "READ") && sent.get(id) === fingerprint) continue;
          sent.set(id, fingerprint);
          yield update;
        }
      }
    } finally {
      stopUser();
      stopWatch();
      for (const id of [...rooms.keys()]) unfollow(id);
    }
  }

  /** Of these rooms, those with a room event or a marker move since `since` (less the slack). */
  private async changedSince(user: CurrentUser, courseIds: number[], since: number): Promise<number[]> {
    if (courseIds.length === 0) return [];
    const { reader } = this.options;
    const em = this.options.orm.em.fork();
    const from = since - RESUME_SLACK_MS;
    const [events, markers] = await Promise.all([
      reader.read<{ id: number | string; at: unknown }>(
        em,
        `select c.id, (select e.created_at from room_events e where e.course_id = c.id order by e.id desc limit 1) as at from courses c where ${reader.inIds("c.id")}`,
        [reader.ids(courseIds)],
      ),
      reader.read<{ course_id: number | string; updated_at: unknown }>(em, `select course_id, updated_at from read_markers where user_id = ? and ${reader.inIds("course_id")}`, [
        user.id,
        reader.ids(courseIds),
      ]),
    ]);
    const changed = new Set<number>();
    const after = (at: unknown) => at !== null && at !== undefined && new Date(at as number | Date).getTime() > from;
    for (const row of events) if (after(row.at)) changed.add(Number(row.id));
    for (const row of markers) if (after(row.updated_at)) changed.add(Number(row.course_id));
    return courseIds.filter((id) => changed.has(id));
  }
}
