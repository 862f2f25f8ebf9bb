import type { EntityManager, MikroORM } from "@mikro-orm/core";
import type { SqlEntityManager } from "@mikro-orm/knex";
import type { Logger } from "pino";
import { z } from "zod";
import { type CurrentUser, isStaff } from "../auth/current-user.js";
import { Role, User } from "../auth/user.entity.js";
import type { DatabaseTarget } from "../config.js";
import { Course } from "../courses/course.entity.js";
import { CourseRemoval } from "../courses/course-removal.entity.js";
import type { CourseService } from "../courses/course.service.js";
import { BadUserInputError, ForbiddenError } from "../errors.js";
import { parseId } from "../ids.js";
import { Message } from "../messages/message.entity.js";
import type { MessageService } from "../messages/message.service.js";
import { EventKind } from "../timeline/events.js";
import type { TimelineWriter } from "../timeline/timeline-writer.js";
import { parseInput } from "../validation.js";
import type { MessageFilter, MessagePage, MessageRecord } from "./moderation.types.js";

/** An author may take back their own message this long after sending it. */
export const AUTHOR_DELETE_WINDOW_MS = 15 * 60 * 1000;

const pageSizeSchema = z.number().int().min(1, "first must be between 1 and 200.").max(200, "first must be between 1 and 200.");
const slowModeSchema = z.number().int().min(0, "slowModeSeconds must be between 0 and 3600.").max(3600, "slowModeSeconds must be between 0 and 3600.");

function toRecord(message: Message): MessageRecord {
  return {
    id: String(message.id),
    course: message.course,
    user: message.user,
    content: message.content,
    sentOn: message.sentOn,
    editedAt: message.editedAt,
    anonymous: message.anonymous,
    deletedAt: message.deletedAt,
    deletedBy: message.deletedBy,
  };
}

/** Staff moderate every course; instructors the courses they own; students nothing. */
export class ModerationService {
  constructor(
    private readonly orm: MikroORM,
    private readonly database: DatabaseTarget["kind"],
    private readonly courses: CourseService,
    private readonly messages: MessageService,
    private readonly timeline: TimelineWriter,
    private readonly logger: Logger,
  ) {}

  async list(em: EntityManager, user: CurrentUser, filter: MessageFilter, first: number, after: string | null | undefined): Promise<MessagePage> {
    if (user.role === Role.Student) throw new ForbiddenError();
    const limit = parseInput(pageSizeSchema, first, "first");
    const qb = (em as SqlEntityManager).createQueryBuilder(Message, "m");
    if (filter.courseId !== null && filter.courseId !== undefined) {
      const courseId = parseId(filter.courseId);
      if (courseId === null) throw new ForbiddenError();
      await this.courses.requireModerator(em, user, courseId);
      qb.andWhere({ course: courseId });
    } else if (!isStaff(user)) {
      qb.andWhere({ course: { owner: user.id } });
    }
    if (filter.userId !== null && filter.userId !== undefined) {
      qb.andWhere({ user: parseId(filter.userId) ?? 0 });
    }
    if (filter.sentFrom) qb.andWhere({ sentOn: { $gte: filter.sentFrom } });
    if (filter.sentTo) qb.andWhere({ sentOn: { $lt: filter.sentTo } });
    if (filter.includeDeleted === false) qb.andWhere({ deletedAt: null });
    const words = filter.search?.trim();
    if (words) {
      // PostgreSQL: ILIKE, served by the trigram index. SQLite: a case-folded substring test.
      if (this.database === "postgresql") {
        qb.andWhere("m.content ilike ?", [`%${words.replace(/[\\%_]/g, (c) => `\\${c}`)}%`]);
      } else {
        qb.andWhere("instr(lower(m.content), lower(?)) > 0", [words]);
      }
    }
    const totalCount = await qb.clone().getCount();
    const cursor = after === null || after === undefined ? null : parseId(after);
    if (after && cursor === null) throw new BadUserInputError("after must be a cursor from a previous page.", "after");
    if (cursor !== null) qb.andWhere({ id: { $lt: cursor } });
    // The filter picks ids; the entities are then loaded whole, with what the page shows.
    const ids = (await qb.select("m.id").orderBy({ id: "desc" }).limit(limit + 1).execute<{ id: number }[]>()).map((r) => r.id);
    const rows = await em.find(
      Message,
      { id: { $in: ids.slice(0, limit) } },
      { populate: ["user", "course", "course.owner", "deletedBy"], orderBy: { id: "desc" } },
    );
    const page = rows;
    return {
      totalCount,
      nodes: page.map(toRecord),
      endCursor: page.length ? String(page[page.length - 1]?.id) : null,
      hasNextPage: ids.length > limit,
    };
  }

  /** Staff, the course's instructor, or the author within 15 minutes. Rooms drop it live. */
  async deleteMessage(em: EntityManager, user: CurrentUser, messageId: unknown): Promise<MessageRecord> {
    const id = parseId(messageId);
    const message = id === null ? null : await em.findOne(Message, { id }, { populate: ["user", "course", "course.owner", "deletedBy"] });
    if (!message) throw new ForbiddenError();
    const access = await this.courses.roomAccess(em, user, message.course.id);
    const authorInTime = message.user.id === user.id && Date.now() - message.sentOn.getTime() < AUTHOR_DELETE_WINDOW_MS;
    if (!access || !(access.moderator || authorInTime)) throw new ForbiddenError();
    if (!message.deletedAt) {
      // An event of the room: every open room drops it, and a client resuming from before it learns of it.
      await this.timeline.append(message.course.id, async (tx) => {
        const current = await tx.findOneOrFail(Message, { id: message.id }, { fields: ["id", "deletedAt", "threadRoot"] });
        if (current.deletedAt) return { events: [], result: null };
        return { events: await this.messages.markDeleted(tx, current, user.id), result: null };
      });
      await em.refresh(message, { populate: ["deletedBy"] });
    }
    return toRecord(message);
  }

  /** Staff or the instructor removes a student. */
  async removeStudent(em: EntityManager, user: CurrentUser, courseId: unknown, studentId: unknown): Promise<Course> {
    const access = await this.courses.requireModerator(em, user, courseId);
    const student = parseId(studentId);
    if (student === null) throw new BadUserInputError("userId must be a user id.", "userId");
    await this.revoke(access.courseId, student, user.id);
    return em.findOneOrFail(Course, { id: access.courseId }, { populate: ["owner"] });
  }

  /** Staff or the instructor lets a removed student back in: enrolled again, the removal forgotten. */
  async readmitStudent(em: EntityManager, user: CurrentUser, courseId: unknown, studentId: unknown): Promise<Course> {
    const access = await this.courses.requireModerator(em, user, courseId);
    const student = parseId(studentId);
    if (student === null) throw new BadUserInputError("userId must be a user id.", "userId");
    await this.orm.em.fork().transactional(async (tx) => {
      const removed = await tx.nativeDelete(CourseRemoval, { course: access.courseId, user: student });
      if (removed === 0) throw new BadUserInputError("That student was not removed from this course.", "userId");
      await (tx as SqlEntityManager).execute("insert into course_students (course_id, user_id) values (?, ?) on conflict do nothing", [access.courseId, student]);
    });
    // Joined again, as by enrolling: read state starts at the room as it is, and the student's devices hear of it.
    await this.courses.hooks.enrolled?.(em, student, access.courseId);
    return em.findOneOrFail(Course, { id: access.courseId }, { populate: ["owner"] });
  }

  /** The students a moderator removed, for the roster's "re-admit". */
  async removedStudents(em: EntityManager, user: CurrentUser, courseId: unknown): Promise<User[]> {
    const access = await this.courses.requireModerator(em, user, courseId);
    const rows = await em.find(CourseRemoval, { course: access.courseId }, { populate: ["user"] });
    return rows.map((r) => r.user).sort((a, b) => a.username.localeCompare(b.username));
  }

  /** A student leaves a course. */
  async leaveCourse(em: EntityManager, user: CurrentUser, courseId: unknown): Promise<Course> {
    const access = await this.courses.requireMember(em, user, courseId);
    const course = await em.findOneOrFail(Course, { id: access.courseId }, { populate: ["owner"] });
    if (course.owner.id === user.id) throw new BadUserInputError("The course's instructor cannot leave it.", "courseId");
    await this.revoke(access.courseId, user.id, null);
    return course;
  }

  /**
   * Removes the enrolment (remembering a moderator's removal) and tells every instance, under the room lock and before the
   * commit: a message can only be stored after this commit, so it is published after the
   * revocation and never reaches the removed student's open subscriptions.
   */
  private async revoke(courseId: number, userId: number, removedBy: number | null): Promise<void> {
    await this.timeline.append(courseId, async (tx) => {
      const sql = tx as SqlEntityManager;
      await sql.execute("delete from course_students where course_id = ? and user_id = ?", [courseId, userId]);
      // Remembered, so the student cannot come back by themselves.
      if (removedBy !== null) {
        await sql.execute("insert into course_removals (course_id, user_id, removed_by_id, removed_at) values (?, ?, ?, ?) on conflict do nothing", [
          courseId,
          userId,
          removedBy,
          this.database === "sqlite" ? Date.now() : new Date(),
        ]);
      }
      return { events: [{ kind: EventKind.MemberRemoved, userId }], result: null };
    });
  }

  async updateRoomSettings(
    em: EntityManager,
    user: CurrentUser,
    courseId: unknown,
    settings: { announcementOnly?: boolean | null; slowModeSeconds?: number | null },
  ): Promise<Course> {
    const access = await this.courses.requireModerator(em, user, courseId);
    const slowMode = settings.slowModeSeconds === null || settings.slowModeSeconds === undefined ? undefined : parseInput(slowModeSchema, settings.slowModeSeconds, "slowModeSeconds");
    // An event of the room: open rooms lock or unlock their composers live, and resumes learn of it.
    await this.timeline.append(access.courseId, async (tx) => {
      const course = await tx.findOneOrFail(Course, { id: access.courseId });
      const before = { announcementOnly: course.announcementOnly, slowModeSeconds: course.slowModeSeconds };
      if (settings.announcementOnly !== null && settings.announcementOnly !== undefined) course.announcementOnly = settings.announcementOnly;
      if (slowMode !== undefined) course.slowModeSeconds = slowMode;
      const after = { announcementOnly: course.announcementOnly, slowModeSeconds: course.slowModeSeconds };
      await tx.flush();
      const changed = before.announcementOnly !== after.announcementOnly || before.slowModeSeconds !== after.slowModeSeconds;
      return { events: changed ? [{ kind: EventKind.SettingsChanged, settings: after }] : [], result: null };
    });
    return em.findOneOrFail(Course, { id: access.courseId }, { populate: ["owner"], refresh: true });
  }
}
