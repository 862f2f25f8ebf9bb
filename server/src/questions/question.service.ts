import type { EntityManager, MikroORM } from "@mikro-orm/core";
import type { SqlEntityManager } from "@mikro-orm/knex";
import { z } from "zod";
import { type CurrentUser, isStaff } from "../auth/current-user.js";
import { Role } from "../auth/user.entity.js";
import type { CourseService, RoomAccess } from "../courses/course.service.js";
import type { RawReader } from "../db/raw-reader.js";
import { BadUserInputError, ForbiddenError } from "../errors.js";
import { parseId } from "../ids.js";
import type { Metrics } from "../metrics.js";
import type { AuthService } from "../auth/auth.service.js";
import { mayRead, moderates, type Pseudonyms, viewFor } from "../messages/anonymity.js";
import type { Author, MessageData, ReactionData } from "../messages/message-data.js";
import { Message } from "../messages/message.entity.js";
import type { MessageService } from "../messages/message.service.js";
import type { RoomBus } from "../realtime/room-bus.js";
import { EventKind, type NewEvent, type TimelineEvent } from "../timeline/events.js";
import type { TimelineWriter } from "../timeline/timeline-writer.js";
import { isStorableText, parseInput } from "../validation.js";
import { AuthorReveal } from "./author-reveal.entity.js";
import { similarQuestionIds } from "./similar.js";

/** The staff queue's channel (one for the platform, room 0): each update names its course. */
export const QUEUE_TOPIC = "questions";
const QUEUE_ROOM = 0;

/** A change to the staff queue: the question as it is now, and whether it waits in the queue. */
export interface QueueUpdate {
  courseId: string;
  /** Who, with staff, may see the update. */
  courseOwnerId: string;
  questionId: string;
  open: boolean;
  question: MessageData | null;
}

const firstSchema = z.number().int().min(1, "first must be between 1 and 200.").max(200, "first must be between 1 and 200.");
const textSchema = z.string().trim().min(3, "Type at least 3 characters.").max(4000, "At most 4000 characters.").refine(isStorableText, "Must be well-formed Unicode text without NUL characters.");

export interface QuestionServiceOptions {
  orm: MikroORM;
  auth: AuthService;
  pseudonyms: Pseudonyms;
  courses: CourseService;
  messages: MessageService;
  timeline: TimelineWriter;
  bus: RoomBus;
  metrics: Metrics;
  reader: RawReader;
}

/**
 * Course questions on the room timeline: a question is a message of kind QUESTION whose replies
 * are its answers. Endorsing, accepting, resolving, reopening and revealing an anonymous author
 * are room events like any other; the staff queue follows them on its own channel.
 */
export class QuestionService {
  constructor(private readonly options: QuestionServiceOptions) {
    options.timeline.observe((events) => this.followQueue(events));
  }

  /** After a send: a new question joins the queue; a moderator's answer marks an open question answered. */
  async afterStored(message: MessageData, room: RoomAccess): Promise<void> {
    if (message.question) return this.publishQueue(message);
    if (!message.answer || !room.moderator || message.threadRootId === null) return;
    const rootId = Number(message.threadRootId);
    const answeredAt = new Date(message.sentOn);
    await this.options.timeline.append(room.courseId, async (tx) => {
      const root = await tx.findOneOrFail(Message, { id: rootId }, { fields: ["id", "questionStatus", "firstStaffAnswerAt", "sentOn"], disableIdentityMap: true });
      const changes: Partial<Message> = {};
      if (root.firstStaffAnswerAt === null) {
        changes.firstStaffAnswerAt = answeredAt;
        this.options.metrics.questionFirstStaffAnswer.observe(Math.max(0, (answeredAt.getTime() - root.sentOn.getTime()) / 1000));
      }
      if (root.questionStatus === "open") Object.assign(changes, { questionStatus: "answered", answeredAt });
      if (Object.keys(changes).length === 0) return { events: [], result: null };
      await tx.nativeUpdate(Message, { id: rootId }, changes);
      return { events: [{ kind: EventKind.QuestionUpdated, messageId: rootId }], result: null };
    });
  }

  /** An instructor's or staff member's mark on an answer: shown first, and marked. */
  async endorse(em: EntityManager, user: CurrentUser, answerId: unknown, endorsed: boolean): Promise<MessageData> {
    const { answer, room } = await this.answerOf(em, user, answerId);
    if (!room.moderator) throw new ForbiddenError("Only the course's instructor and staff endorse answers.");
    return this.change(room, user, async (tx) => {
      await tx.nativeUpdate(Message, { id: answer.id }, endorsed ? { endorsedAt: new Date(), endorsedBy: user.id } : { endorsedAt: null, endorsedBy: null });
      return [{ kind: EventKind.AnswerUpdated, messageId: answer.id }];
    }, answer.id);
  }

  /** The asker accepts an answer (one at a time): the question is answered. */
  async accept(em: EntityManager, user: CurrentUser, answerId: unknown, accepted: boolean): Promise<MessageData> {
    const { answer, root, room } = await this.answerOf(em, user, answerId);
    if (root.user.id !== user.id) throw new ForbiddenError("Only the asker accepts an answer.");
    return this.change(room, user, async (tx) => {
      const current = await tx.findOneOrFail(Message, { id: root.id }, { fields: ["id", "acceptedAnswer", "questionStatus", "answeredAt"], disableIdentityMap: true });
      const before = current.acceptedAnswer?.id ?? null;
      const now = accepted ? answer.id : before === answer.id ? null : before;
      if (now === before) return [];
      const status = current.questionStatus === "open" && now !== null ? "answered" : current.questionStatus;
      await tx.nativeUpdate(Message, { id: root.id }, { acceptedAnswer: now, questionStatus: status, answeredAt: current.answeredAt ?? (now !== null ? new Date() : null) });
      const events: NewEvent[] = [{ kind: EventKind.QuestionUpdated, messageId: root.id }];
      if (before !== null) events.push({ kind: EventKind.AnswerUpdated, messageId: before });
      if (now !== null && now !== before) events.push({ kind: EventKind.AnswerUpdated, messageId: now });
      return events;
    }, answer.id);
  }

  /** The asker, the instructor or staff close a question, or open it again. */
  async setResolved(em: EntityManager, user: CurrentUser, questionId: unknown, resolved: boolean): Promise<MessageData> {
    const { root, room } = await this.questionOf(em, user, questionId);
    if (!room.moderator && root.user.id !== user.id) throw new ForbiddenError("Only the asker, the instructor and staff resolve a question.");
    return this.change(room, user, async (tx) => {
      const current = await tx.findOneOrFail(Message, { id: root.id }, { fields: ["id", "questionStatus"], disableIdentityMap: true });
      const status = resolved ? "resolved" : "open";
      if (current.questionStatus === status) return [];
      await tx.nativeUpdate(Message, { id: root.id }, { questionStatus: status, resolvedAt: resolved ? new Date() : null });
      return [{ kind: EventKind.QuestionUpdated, messageId: root.id }];
    }, root.id);
  }

  /** A moderator makes an anonymous message's author known to the room, for the record. */
  async reveal(em: EntityManager, user: CurrentUser, messageId: unknown): Promise<MessageData> {
    const id = parseId(messageId);
    const message = id === null ? null : await em.findOne(Message, { id }, { fields: ["id", "course", "anonymous", "deletedAt"], disableIdentityMap: true });
    if (!message) throw new ForbiddenError();
    const room = await this.options.courses.requireModerator(em, user, message.course.id);
    if (!message.anonymous) throw new BadUserInputError("That message is not anonymous.", "messageId");
    return this.change(room, user, async (tx) => {
      await tx.nativeUpdate(Message, { id: message.id }, { anonymous: false });
      tx.persist(tx.create(AuthorReveal, { message: message.id, revealedBy: user.id, revealedAt: new Date() }));
      await tx.flush();
      return [{ kind: EventKind.AuthorRevealed, messageId: message.id }];
    }, message.id);
  }

  /** The staff queue: open questions of the courses the caller moderates, oldest first. */
  async openQuestions(em: EntityManager, user: CurrentUser, courseId: unknown, first: number, after: unknown): Promise<MessageData[]> {
    const limit = parseInput(firstSchema, first, "first");
    const afterId = after === null || after === undefined ? null : parseId(after);
    if (after !== null && after !== undefined && afterId === null) throw new BadUserInputError("after must be a question's id.", "after");
    const courses = await this.moderatedCourses(em, user, courseId);
    if (courses !== "all" && courses.length === 0) return [];
    const rows = await em.find(
      Message,
      {
        questionStatus: "open",
        deletedAt: null,
        ...(courses === "all" ? {} : { course: { $in: courses } }),
        ...(afterId === null ? {} : { id: { $gt: afterId } }),
      },
      { fields: ["id"], orderBy: { id: "asc" }, limit, disableIdentityMap: true },
    );
    return this.options.messages.dataFor(em, rows.map((r) => r.id), user);
  }

  /** Earlier questions of the course like the one being typed, so its answer is found, not asked again. */
  async similar(em: EntityManager, user: CurrentUser, courseId: unknown, text: unknown, first: number): Promise<MessageData[]> {
    const room = await this.options.courses.requireMember(em, user, courseId);
    const words = parseInput(textSchema, text, "text");
    const limit = parseInput(z.number().int().min(1, "first must be between 1 and 20.").max(20, "first must be between 1 and 20."), first, "first");
    const ids = await similarQuestionIds(em, this.options.reader, { courseId: room.courseId, text: words, limit, viewerId: room.moderator ? null : user.id });
    return this.options.messages.dataFor(em, ids, user);
  }

  /** Who reacts in a thread where they post anonymously shows under that pseudonym to classmates. */
  async pseudonymsOfReactors(em: EntityManager, reaction: ReactionData, userIds: number[], viewer: CurrentUser): Promise<Map<number, Author>> {
    const result = new Map<number, Author>();
    if (userIds.length === 0 || moderates(viewer, reaction.on)) return result;
    const { reader } = this.options;
    const rows = await reader.read<{ user_id: number | string }>(
      em,
      `select distinct user_id from messages where (id = ? or thread_root_id = ?) and anonymous = ? and ${reader.inIds("user_id")}`,
      [Number(reaction.on.threadId), Number(reaction.on.threadId), reader.sqlite ? 1 : true, reader.ids(userIds)],
    );
    for (const row of rows) {
      const id = Number(row.user_id);
      if (id !== viewer.id) result.set(id, this.options.pseudonyms.of(reaction.on.courseId, reaction.on.threadId, String(id)));
    }
    return result;
  }

  /** Queue updates as a moderator may see them (their courses only), live. */
  async *queue(user: CurrentUser, courseId: unknown): AsyncGenerator<QueueUpdate> {
    const only = courseId === null || courseId === undefined ? null : parseId(courseId);
    if (courseId !== null && courseId !== undefined && only === null) throw new ForbiddenError();
    // Checked at once, then for every update against the user as they are now.
    await this.moderatedCourses(this.options.orm.em.fork(), user, courseId);
    const pending: QueueUpdate[] = [];
    let wake: (() => void) | null = null;
    const stop = await this.options.bus.subscribe<QueueUpdate>(QUEUE_TOPIC, QUEUE_ROOM, (update) => {
      pending.push(update);
      wake?.();
    });
    try {
      for (;;) {
        if (pending.length === 0) await new Promise<void>((resolve) => (wake = resolve));
        const update = pending.shift()!;
        if (only !== null && Number(update.courseId) !== only) continue;
        // As the user is now: one demoted since the stream began hears no more.
        const now = await this.options.auth.currentUser(this.options.orm.em.fork(), user.id);
        if (!now || (now.role === Role.Student && !isStaff(now))) throw new ForbiddenError();
        if (!moderates(now, update)) continue;
        yield { ...update, question: update.question ? viewFor(now, update.question) : null };
      }
    } finally {
      stop();
    }
  }

  private async moderatedCourses(em: EntityManager, user: CurrentUser, courseId: unknown): Promise<number[] | "all"> {
    if (courseId !== null && courseId !== undefined) return [(await this.options.courses.requireModerator(em, user, courseId)).courseId];
    if (isStaff(user)) return "all";
    if (user.role !== Role.Instructor) throw new ForbiddenError();
    const rows = await (em as SqlEntityManager).execute<{ id: number | string }[]>("select id from courses where owner_id = ?", [user.id]);
    return rows.map((r) => Number(r.id));
  }

  private async questionOf(em: EntityManager, user: CurrentUser, questionId: unknown) {
    const id = parseId(questionId);
    const root = id === null ? null : await em.findOne(Message, { id }, { populate: ["user"], disableIdentityMap: true });
    if (!root) throw new ForbiddenError();
    const room = await this.options.courses.requireMember(em, user, root.course.id);
    if (!mayRead(user, { privateTo: root.privateTo === null ? null : String(root.privateTo), courseOwnerId: String(room.ownerId) })) throw new ForbiddenError();
    if (root.kind !== "question" || root.deletedAt) throw new BadUserInputError("That is not a question.", "messageId");
    return { root, room };
  }

  private async answerOf(em: EntityManager, user: CurrentUser, answerId: unknown) {
    const id = parseId(answerId);
    const answer = id === null ? null : await em.findOne(Message, { id }, { populate: ["threadRoot", "threadRoot.user"], disableIdentityMap: true });
    if (!answer) throw new ForbiddenError();
    const room = await this.options.courses.requireMember(em, user, answer.course.id);
    if (!mayRead(user, { privateTo: answer.privateTo === null ? null : String(answer.privateTo), courseOwnerId: String(room.ownerId) })) throw new ForbiddenError();
    const root = answer.threadRoot;
    if (!root || root.kind !== "question" || answer.deletedAt) throw new BadUserInputError("That is not an answer to a question.", "messageId");
    return { answer, root, room };
  }

  private async change(room: RoomAccess, user: CurrentUser, work: (tx: EntityManager) => Promise<NewEvent[]>, show: number): Promise<MessageData> {
    await this.options.timeline.append(room.courseId, async (tx) => ({ events: await work(tx), result: null }));
    const [data] = await this.options.messages.dataFor(this.options.orm.em.fork(), [show], user);
    if (!data) throw new BadUserInputError("That message was deleted.", "messageId", "MESSAGE_DELETED");
    return data;
  }

  /** Every appended event that concerns a question keeps the staff queue up to date. */
  private followQueue(events: TimelineEvent[]): void {
    for (const event of events) {
      const message = event.message as MessageData | undefined;
      if (message?.question) void this.publishQueue(message);
      else if (event.kind === EventKind.MessageDeleted && event.messageId !== null) void this.publishDeletion(event.messageId);
    }
  }

  /** A deleted question leaves the queue. */
  private async publishDeletion(messageId: number): Promise<void> {
    const [row] = await this.options.reader.read<{ kind: string; course_id: number | string; owner_id: number | string }>(
      this.options.orm.em.fork(),
      "select m.kind, m.course_id, c.owner_id from messages m join courses c on c.id = m.course_id where m.id = ?",
      [messageId],
    );
    if (row?.kind !== "question") return;
    const update: QueueUpdate = { courseId: String(row.course_id), courseOwnerId: String(row.owner_id), questionId: String(messageId), open: false, question: null };
    await this.options.bus.publish(QUEUE_TOPIC, QUEUE_ROOM, update).catch(() => undefined);
  }

  private async publishQueue(question: MessageData): Promise<void> {
    const update: QueueUpdate = { courseId: question.courseId, courseOwnerId: question.courseOwnerId, questionId: question.id, open: question.question?.status === "OPEN", question };
    await this.options.bus.publish(QUEUE_TOPIC, QUEUE_ROOM, update).catch(() => undefined);
  }
}
