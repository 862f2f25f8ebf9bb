import type { EntityManager } from "@mikro-orm/core";
import { LRUCache } from "lru-cache";
import { RateLimiterRes } from "rate-limiter-flexible";
import type { CurrentUser } from "../auth/current-user.js";
import { ForbiddenError } from "../errors.js";
import { parseId } from "../ids.js";
import type { Author } from "../messages/message-data.js";
import { makeLimiter, type SharedStore } from "../rate-limits.js";
import type { RawReader } from "../db/raw-reader.js";
import { EventKind, ROOM_TOPIC, type TimelineEvent } from "../timeline/events.js";
import { pushStream } from "./push-stream.js";
import { guardRoom, type RoomGuardOptions } from "./room-guard.js";

/** Channel `<prefix>typing:<course id>`: never stored, never replayed. */
const TYPING_TOPIC = "typing";
/** A typist shows this long after their last renewal. */
export const TYPING_EXPIRY_MS = 6000;
/** At most one renewal per member and room is passed on per this many seconds; the rest are absorbed. */
export const TYPING_RENEWAL_SECONDS = 3;

interface TypingNotice {
  courseId: string;
  user: Author;
}

export interface TypingUpdateData {
  courseId: string;
  user: Author;
  /** False when they stopped: expired, or their message arrived. */
  typing: boolean;
}

interface RoomTypists {
  typists: Map<string, { user: Author; timer: NodeJS.Timeout }>;
  listeners: Set<(update: TypingUpdateData) => void>;
  /** Subscribed to the room's channels. */
  ready: Promise<void>;
  stop: () => void;
}

export interface TypingOptions extends RoomGuardOptions {
  reader: RawReader;
  store: SharedStore | undefined;
  /** TYPING_MAX_ROOM_SIZE: larger rooms have no typing notices. */
  maxRoomSize: number;
}

/**
 * "ada is typing…": a member's `typing` goes to the room's typing channel (at most once per
 * TYPING_RENEWAL_SECONDS, counted across instances), and each subscriber shows a typist until
 * TYPING_EXPIRY_MS pass without a renewal or their message arrives. A typist is named as the
 * member they are: a client composing anonymously does not send `typing`.
 */
export class TypingService {
  private readonly renewals;
  /** Room sizes, for the cap: a room's size changes slowly, a typing notice comes every few seconds. */
  private readonly sizes = new LRUCache<number, number>({ max: 10_000, ttl: 30_000 });
  /** Rooms with typing subscribers on this instance. */
  private readonly rooms = new Map<number, RoomTypists>();

  constructor(private readonly options: TypingOptions) {
    this.renewals = makeLimiter("typing", 1, TYPING_RENEWAL_SECONDS, options.store);
  }

  /** True when the notice is (or, within the renewal interval, already was) passed on; false where typing is off (a big room, or an announcement-only one for a student). */
  async typing(em: EntityManager, user: CurrentUser, courseId: unknown): Promise<boolean> {
    const room = await this.options.courses.requireMember(em, user, courseId);
    // Nobody is told of a student typing where students cannot post.
    if ((room.announcementOnly && !room.moderator) || !(await this.enabled(em, room.courseId))) return false;
    try {
      await this.renewals.consume(`${user.id}:${room.courseId}`);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return true;
      throw rejection;
    }
    const notice: TypingNotice = { courseId: String(room.courseId), user: { id: String(user.id), username: user.username, role: user.role } };
    await this.options.bus.publish(TYPING_TOPIC, room.courseId, notice);
    return true;
  }

  /** Others' typing in the room, live (never the subscriber's own); members only. */
  async updates(user: CurrentUser, courseId: unknown): Promise<AsyncIterableIterator<TypingUpdateData>> {
    const id = parseId(courseId);
    if (id === null) throw new ForbiddenError();
    return pushStream<TypingUpdateData>(async (push, fail) => {
      const own = String(user.id);
      const stopListening = await this.listen(id, (update) => update.user.id !== own && push(update));
      let stopGuard: () => void;
      try {
        stopGuard = await guardRoom(this.options, user, id, fail);
      } catch (err) {
        stopListening();
        throw err;
      }
      return () => {
        stopListening();
        stopGuard();
      };
    });
  }

  /**
   * This instance follows a room's typists once, for all its subscribers there: one timer per
   * typist, and each start or stop is one object every subscriber renders alike (see
   * createSharedSubscribe), however many watch.
   */
  private async listen(courseId: number, listener: (update: TypingUpdateData) => void): Promise<() => void> {
    let room = this.rooms.get(courseId);
    if (!room) {
      const created: RoomTypists = { typists: new Map(), listeners: new Set(), ready: Promise.resolve(), stop: () => {} };
      const emit = (update: TypingUpdateData) => {
        for (const l of created.listeners) l(update);
      };
      const stopped = (typistId: string) => {
        const typist = created.typists.get(typistId);
        if (!typist) return;
        clearTimeout(typist.timer);
        created.typists.delete(typistId);
        emit({ courseId: String(courseId), user: typist.user, typing: false });
      };
      created.ready = (async () => {
        const stopTyping = await this.options.bus.subscribe<TypingNotice>(TYPING_TOPIC, courseId, (notice) => {
          const known = created.typists.get(notice.user.id);
          if (known) clearTimeout(known.timer);
          created.typists.set(notice.user.id, { user: notice.user, timer: setTimeout(() => stopped(notice.user.id), TYPING_EXPIRY_MS) });
          if (!known) emit({ courseId: String(courseId), user: notice.user, typing: true });
        });
        // Their message is in: they are no longer typing.
        const stopRoom = await this.options.bus.subscribe<TimelineEvent>(ROOM_TOPIC, courseId, (event) => {
          if (event.kind === EventKind.MessageAdded && event.userId !== null) stopped(String(event.userId));
        });
        created.stop = () => {
          stopTyping();
          stopRoom();
          for (const typist of created.typists.values()) clearTimeout(typist.timer);
        };
      })();
      this.rooms.set(courseId, (room = created));
    }
    const joined = room;
    joined.listeners.add(listener);
    try {
      await joined.ready;
    } catch (err) {
      this.leave(courseId, joined, listener);
      throw err;
    }
    return () => this.leave(courseId, joined, listener);
  }

  private leave(courseId: number, room: RoomTypists, listener: (update: TypingUpdateData) => void): void {
    room.listeners.delete(listener);
    if (room.listeners.size > 0 || this.rooms.get(courseId) !== room) return;
    this.rooms.delete(courseId);
    void room.ready.then(room.stop, () => undefined);
  }

  private async enabled(em: EntityManager, courseId: number): Promise<boolean> {
    if (this.options.maxRoomSize === 0) return false;
    let size = this.sizes.get(courseId);
    if (size === undefined) {
      const [row] = await this.options.reader.read<{ n: number | string }>(em, "select count(*) as n from course_students where course_id = ?", [courseId]);
      // The students, and the instructor.
      size = Number(row?.n ?? 0) + 1;
      this.sizes.set(courseId, size);
    }
    return size <= this.options.maxRoomSize;
  }
}
