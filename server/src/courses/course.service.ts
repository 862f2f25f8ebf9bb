import { type EntityManager, UniqueConstraintViolationException } from "@mikro-orm/core";
import type { SqlEntityManager } from "@mikro-orm/knex";
import slugify from "slugify";
import { z } from "zod";
import { type CurrentUser, isStaff } from "../auth/current-user.js";
import { User } from "../auth/user.entity.js";
import { Coalescer } from "../db/coalescer.js";
import { intArray } from "../db/room-lock.js";
import { SqliteConnection } from "../db/sqlite-connection.js";
import { ForbiddenError } from "../errors.js";
import { parseId } from "../ids.js";
import { isStorableText, parseInput } from "../validation.js";
import { Course } from "./course.entity.js";
import { CourseRemoval } from "./course-removal.entity.js";

const storable = "Must be well-formed Unicode text without NUL characters.";
const titleSchema = z.string().trim().min(1, "Title must not be empty.").max(200, "Title must be at most 200 characters.").refine(isStorableText, storable);
const overviewSchema = z.string().trim().max(10_000, "Overview must be at most 10000 characters.").refine(isStorableText, storable);

function slugFor(title: string): string {
  const slug = slugify.default(title, { lower: true, strict: true, trim: true }).slice(0, 200);
  return slug || "course";
}

export interface RoomAccess {
  courseId: number;
  /** The course's instructor. */
  ownerId: number;
  /** Staff or the course's owner: may moderate, is exempt from slow mode and announcement-only. */
  moderator: boolean;
  announcementOnly: boolean;
  slowModeSeconds: number;
}

export interface RoomRow {
  owner_id: number | string;
  announcement_only: boolean | number;
  slow_mode_seconds: number | string;
  enrolled: boolean | number;
}

/** The courses a user teaches or is enrolled in (params: user, user). */
const MEMBER_COURSE_IDS = "select id from courses where owner_id = ? union select course_id from course_students where user_id = ?";

const ROOM_ACCESS = `select c.owner_id, c.announcement_only, c.slow_mode_seconds,
    exists(select 1 from course_students s where s.course_id = c.id and s.user_id = ?) as enrolled
  from courses c where c.id = ?`;

/**
 * ROOM_ACCESS for many (user, room) pairs at once, on PostgreSQL: concurrent sends and
 * subscribes share one round trip (params: users, rooms; row `i` answers pair i, from 1).
 */
const ROOM_ACCESS_PAIRS = `select q.i, c.owner_id, c.announcement_only, c.slow_mode_seconds,
    exists(select 1 from course_students s where s.course_id = c.id and s.user_id = q.user_id) as enrolled
  from unnest(?::int[], ?::int[]) with ordinality as q(user_id, course_id, i) join courses c on c.id = q.course_id`;

/** roomAccess for many users at once: one row per enrolled one (one with a null user if none). */
const ROOM_ACCESS_MANY = {
  postgresql: `select c.owner_id, c.announcement_only, c.slow_mode_seconds, s.user_id as enrolled_user_id
    from courses c left join course_students s on s.course_id = c.id and s.user_id = any(?::int[]) where c.id = ?`,
  sqlite: `select c.owner_id, c.announcement_only, c.slow_mode_seconds, s.user_id as enrolled_user_id
    from courses c left join course_students s on s.course_id = c.id and s.user_id in (select value from json_each(?)) where c.id = ?`,
};
interface RoomManyRow extends Omit<RoomRow, "enrolled"> {
  enrolled_user_id: number | string | null;
}

/** PostgreSQL answers booleans, SQLite 0 or 1. */
const truthy = (value: boolean | number): boolean => value === true || value === 1;

/** Each user's access to a room, from the course's row (none: no such course) and who is enrolled. */
export function roomAccessFor(courseId: number, course: Omit<RoomRow, "enrolled"> | undefined, enrolled: Set<number>, users: CurrentUser[]): Map<number, RoomAccess | null> {
  return new Map(
    users.map((user) => {
      if (!course) return [user.id, null];
      const moderator = isStaff(user) || Number(course.owner_id) === user.id;
      if (!moderator && !enrolled.has(user.id)) return [user.id, null];
      return [
        user.id,
        { courseId, ownerId: Number(course.owner_id), moderator, announcementOnly: truthy(course.announcement_only), slowModeSeconds: Number(course.slow_mode_seconds) },
      ];
    }),
  );
}

/** How the features built on courses take part in them, without courses knowing them (services.ts sets them). */
export interface CourseHooks {
  /** A user just joined a course. */
  enrolled?: (em: EntityManager, userId: number, courseId: number) => Promise<void>;
  /** When each room last had activity the user may see (ms since the epoch). */
  activity?: (em: EntityManager, user: CurrentUser, courseIds: number[]) => Promise<Map<number, number>>;
  /**
   * myCourses is about to list the user's courses and resolve these of their fields (sorted by
   * activity or not): work on them may start now, alongside the list rather than after it.
   */
  listing?: (em: EntityManager, user: CurrentUser, fields: ReadonlySet<string>, byActivity: boolean) => void;
}

/** How myCourses is ordered. */
export type CourseOrderData = "ID" | "ACTIVITY";

export class CourseService {
  readonly hooks: CourseHooks = {};

  async catalogue(em: EntityManager): Promise<Course[]> {
    return em.find(Course, {}, { populate: ["owner"], orderBy: { id: "asc" } });
  }

  async find(em: EntityManager, id: unknown): Promise<Course | null> {
    const courseId = parseId(id);
    return courseId === null ? null : em.findOne(Course, { id: courseId }, { populate: ["owner"] });
  }

  async myCourses(em: EntityManager, user: CurrentUser, order: CourseOrderData = "ID", fields: ReadonlySet<string> = new Set()): Promise<Course[]> {
    // The owner entity only when it is asked for (no fields given: the caller may use it): a
    // home screen of 50 rooms would otherwise build 50 of them for nothing.
    const populate = fields.size === 0 || fields.has("owner") ? (["owner"] as const) : [];
    this.hooks.listing?.(em, user, fields, order === "ACTIVITY");
    const courses = await em.find(Course, { $or: [{ owner: user.id }, { students: user.id }] }, { populate, orderBy: { id: "asc" } });
    if (order !== "ACTIVITY" || !this.hooks.activity) return courses;
    const at = await this.hooks.activity(em, user, courses.map((c) => c.id));
    const when = (c: Course) => at.get(c.id) ?? c.createdAt.getTime();
    // Latest first; a tie (same millisecond) by the newer course.
    return courses.sort((a, b) => when(b) - when(a) || b.id - a.id);
  }

  /** Ids of the courses the user teaches or is enrolled in. */
  async memberCourseIds(em: EntityManager, user: CurrentUser): Promise<Set<number>> {
    // Ids only, as plain rows: no partly loaded course entity per room in the identity map.
    const rows = await (em as SqlEntityManager).execute<{ id: number | string }[]>(MEMBER_COURSE_IDS, [user.id, user.id]);
    return new Set(rows.map((row) => Number(row.id)));
  }

  /**
   * PostgreSQL's room checks outside a transaction, coalesced: each was a round trip of its
   * own, and on a busy server the socket write to the database was a sixth of a send's CPU.
   */
  private readonly pairReads = new Coalescer<{ em: EntityManager; userId: number; courseId: number }, RoomRow | null>(async (pairs) => {
    const rows = await (pairs[0]!.em as SqlEntityManager).execute<(RoomRow & { i: number | string })[]>(ROOM_ACCESS_PAIRS, [
      intArray(pairs.map((p) => p.userId)),
      intArray(pairs.map((p) => p.courseId)),
    ]);
    const byPair = new Map(rows.map((row) => [Number(row.i), row]));
    return pairs.map((_, i) => byPair.get(i + 1) ?? null);
  });

  /** Set on SQLite: the room check runs on every send and subscribe. */
  constructor(private readonly sqlite: SqliteConnection | null = null) {}

  private async roomRow(em: EntityManager, userId: number, courseId: number): Promise<RoomRow | undefined> {
    if (this.sqlite && SqliteConnection.usable(em)) return this.sqlite.run((_db, prepare) => prepare(ROOM_ACCESS).get(userId, courseId) as RoomRow | undefined);
    if (!this.sqlite && !em.isInTransaction()) return (await this.pairReads.run({ em, userId, courseId })) ?? undefined;
    const [row] = await (em as SqlEntityManager).execute<RoomRow[]>(ROOM_ACCESS, [userId, courseId]);
    return row;
  }

  /** What the user may do in a course's room; null when they may not enter (or it does not exist). */
  async roomAccess(em: EntityManager, user: CurrentUser, courseId: number): Promise<RoomAccess | null> {
    // On every send and subscribe; a plain read, so no partly loaded entity lands in the
    // identity map.
    const row = await this.roomRow(em, user.id, courseId);
    if (!row) return null;
    const moderator = isStaff(user) || Number(row.owner_id) === user.id;
    if (!moderator && !truthy(row.enrolled)) return null;
    return { courseId, ownerId: Number(row.owner_id), moderator, announcementOnly: truthy(row.announcement_only), slowModeSeconds: Number(row.slow_mode_seconds) };
  }

  /** roomAccess for many users of one room in one query (a room's reconnect storm). */
  async roomAccessMany(em: EntityManager, courseId: number, users: CurrentUser[]): Promise<Map<number, RoomAccess | null>> {
    const ids = [...new Set(users.map((u) => u.id))];
    let rows: RoomManyRow[];
    if (!this.sqlite) rows = await (em as SqlEntityManager).execute<RoomManyRow[]>(ROOM_ACCESS_MANY.postgresql, [intArray(ids), courseId]);
    else if (!SqliteConnection.usable(em)) rows = await (em as SqlEntityManager).execute<RoomManyRow[]>(ROOM_ACCESS_MANY.sqlite, [JSON.stringify(ids), courseId]);
    else rows = await this.sqlite.run((_db, prepare) => prepare(ROOM_ACCESS_MANY.sqlite).all(JSON.stringify(ids), courseId) as RoomManyRow[]);
    return roomAccessFor(courseId, rows[0], new Set(rows.map((row) => Number(row.enrolled_user_id))), users);
  }

  /**
   * The room guard. A course that does not exist and one the user may not enter give the
   * same error, so nobody learns which courses exist by probing.
   */
  async requireMember(em: EntityManager, user: CurrentUser, courseId: unknown): Promise<RoomAccess> {
    const id = parseId(courseId);
    const access = id === null ? null : await this.roomAccess(em, user, id);
    if (!access) throw new ForbiddenError();
    return access;
  }

  /** Staff, or the course's instructor; anyone else gets the room guard's FORBIDDEN. */
  async requireModerator(em: EntityManager, user: CurrentUser, courseId: unknown): Promise<RoomAccess> {
    const access = await this.requireMember(em, user, courseId).catch(() => null);
    if (!access?.moderator) throw new ForbiddenError();
    return access;
  }

  async create(em: EntityManager, owner: CurrentUser, title: string, overview = ""): Promise<Course> {
    const cleanTitle = parseInput(titleSchema, title, "title");
    const cleanOverview = parseInput(overviewSchema, overview, "overview");
    const base = slugFor(cleanTitle);
    for (let attempt = 1; ; attempt++) {
      const slug = attempt === 1 ? base : `${base}-${attempt}`;
      if (await em.count(Course, { slug })) continue;
      const course = em.create(Course, {
        title: cleanTitle,
        overview: cleanOverview,
        slug,
        owner: em.getReference(User, owner.id),
        createdAt: new Date(),
      });
      try {
        await em.persistAndFlush(course);
        await em.populate(course, ["owner"]);
        return course;
      } catch (err) {
        // Another request took the slug between our check and insert: try the next one.
        if (!(err instanceof UniqueConstraintViolationException) || attempt > 20) throw err;
        em.clear();
      }
    }
  }

  /** Joins a course. A missing course is the room guard's FORBIDDEN; so is a removed student's attempt, with a reason. */
  async enroll(em: EntityManager, user: CurrentUser, courseId: unknown): Promise<Course> {
    const course = await this.find(em, courseId);
    if (!course) throw new ForbiddenError();
    if (await this.wasRemoved(em, user.id, course.id)) throw new RemovedFromCourseError();
    const alreadyIn = course.owner.id === user.id || (await em.count(Course, { id: course.id, students: user.id })) > 0;
    if (!alreadyIn) {
      course.students.add(em.getReference(User, user.id));
      try {
        await em.flush();
      } catch (err) {
        // A concurrent enroll of the same user won the race: the result is the same.
        if (!(err instanceof UniqueConstraintViolationException)) throw err;
      }
      await this.hooks.enrolled?.(em, user.id, course.id);
    }
    return course;
  }

  wasRemoved(em: EntityManager, userId: number, courseId: number): Promise<boolean> {
    return em.count(CourseRemoval, { course: courseId, user: userId }).then((n) => n > 0);
  }

  /** Ids of the courses a moderator removed the user from. */
  async removedCourseIds(em: EntityManager, user: CurrentUser): Promise<Set<number>> {
    const rows = await em.find(CourseRemoval, { user: user.id }, { fields: ["course"] });
    return new Set(rows.map((r) => r.course.id));
  }
}

/** Refused re-enrolment: the client tells the student why and whom to ask. */
export class RemovedFromCourseError extends ForbiddenError {
  constructor() {
    super("A moderator removed you from this course: ask its instructor or staff to re-admit you.", "REMOVED");
  }
}
