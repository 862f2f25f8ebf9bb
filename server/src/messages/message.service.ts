import type { EntityManager, MikroORM } from "@mikro-orm/core";
import type { SqlEntityManager } from "@mikro-orm/knex";
import type { Logger } from "pino";
import { z } from "zod";
import { type CurrentUser, isStaff } from "../auth/current-user.js";
import { Role } from "../auth/user.entity.js";
import type { CourseService, RoomAccess } from "../courses/course.service.js";
import type { RawReader } from "../db/raw-reader.js";
import { BadUserInputError, ForbiddenError, RateLimitedError } from "../errors.js";
import { parseId } from "../ids.js";
import type { Metrics } from "../metrics.js";
import type { FlowControl } from "../realtime/operations.js";
import { type DirectOffering, filterStream } from "../realtime/streams.js";
import { EventKind, type NewEvent, type TimelineEvent } from "../timeline/events.js";
import type { RoomStreams } from "../timeline/room-streams.js";
import type { TimelineWriter } from "../timeline/timeline-writer.js";
import { isStorableText, parseInput } from "../validation.js";
import { resolveMentions } from "./mentions.js";
import { mayRead, type Pseudonyms, viewFor } from "./anonymity.js";
import type { Author, MessageData, MessageDataLoader, MessageKindData } from "./message-data.js";
import { previewOf } from "./message-data.js";
import { Message } from "./message.entity.js";
import { MessageVersion } from "./message-version.entity.js";
import type { MessageWriter, WriteResult } from "./message-writer.js";
import { type MessageEvent, visibleTo } from "./room-view.js";
import type { SendRateLimiter, SlowModeLimiter } from "./send-rate-limiter.js";

export const MAX_MESSAGE_LENGTH = 4000;

export const contentSchema = z
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

export interface SendOptions {
  clientMessageId?: string | null | undefined;
  replyToId?: string | null | undefined;
  kind?: MessageKindData | null | undefined;
  /** Under a pseudonym for classmates: students, for a question or an answer to one. */
  anonymous?: boolean | null | undefined;
  /** A question only its asker, the instructor and staff see. */
  private?: boolean | null | undefined;
  /** False for messages the server writes on someone's behalf (demo data): not counted against their send limits. */
  counted?: boolean;
}

interface ReplyTarget {
  id: string;
  rootId: number;
  rootKind: string;
  privateTo: number | null;
  user: Author;
  preview: string;
  anonymous: boolean;
  pseudonym: Author | null;
}

function cursor(value: string | null | undefined, field: string): number | null {
  if (value === null || value === undefined) return null;
  const id = parseId(value);
  if (id === null) throw new BadUserInputError(`${field} must be a message id.`, field);
  return id;
}

export interface MessageServiceOptions {
  orm: MikroORM;
  courses: CourseService;
  writer: MessageWriter;
  timeline: TimelineWriter;
  streams: RoomStreams;
  loader: MessageDataLoader;
  reader: RawReader;
  rateLimiter: SendRateLimiter | null;
  slowMode: SlowModeLimiter;
  logger: Logger;
  metrics: Metrics;
  /** How long after sending an author may edit a message (EDIT_WINDOW). */
  editWindowMs: number;
  pseudonyms: Pseudonyms;
  /** Called once a message is stored and published (questions: a moderator's answer). */
  onStored?: (message: MessageData, room: RoomAccess) => Promise<void>;
}

/**
 * An operation's EntityManager, forked only when first touched (the context's getter): a plain
 * send reads rows and writes outside the ORM, and a fork was a twentieth of its CPU.
 */
export interface OperationEm {
  readonly em: EntityManager;
}

/** Streams that follow a room (presence counts them), given the member and room once admitted; the answer is called when the stream ends. */
export type RoomStreamOpened = (user: CurrentUser, courseId: number) => () => void;

/** A room's messages: history, threads, sends, edits, and the room as a stream of its events. */
export class MessageService {
  /** Set by the composition root: told of every room stream that opens (presence). */
  onRoomStream: RoomStreamOpened | null = null;

  /** Plain row reads (room checks, mentions) share one EntityManager, whose identity map stays empty. */
  private readonly reads: EntityManager;

  constructor(private readonly options: MessageServiceOptions) {
    this.reads = options.orm.em.fork();
  }

  get loader(): MessageDataLoader {
    return this.options.loader;
  }

  async history(em: EntityManager, user: CurrentUser, courseId: unknown, page: HistoryPage): Promise<MessageData[]> {
    const room = await this.options.courses.requireMember(em, user, courseId);
    return this.page(em, user, room, undefined, page);
  }

  /** A thread's replies, oldest first, paged like history; readable even when its first message was deleted. */
  async thread(em: EntityManager, user: CurrentUser, messageId: unknown, page: HistoryPage): Promise<MessageData[]> {
    const id = parseId(messageId);
    const root = id === null ? null : await em.findOne(Message, { id }, { fields: ["id", "course", "threadRoot", "privateTo"], disableIdentityMap: true });
    if (!root) throw new ForbiddenError();
    const room = await this.options.courses.requireMember(em, user, root.course.id);
    // A private question's thread is not there for anyone else.
    if (root.privateTo !== null && !room.moderator && root.privateTo !== user.id) throw new ForbiddenError();
    return this.page(em, user, room, root.threadRoot?.id ?? root.id, page);
  }

  /** What of a room a member may read: not the private questions of others (unless they moderate it). */
  private visibleWhere(user: CurrentUser, room: RoomAccess) {
    return room.moderator ? {} : { $or: [{ privateTo: null }, { privateTo: user.id }] };
  }

  private async page(em: EntityManager, user: CurrentUser, room: RoomAccess, threadRoot: number | undefined, page: HistoryPage): Promise<MessageData[]> {
    const last = parseInput(lastSchema, page.last, "last");
    const before = cursor(page.before, "before");
    const after = cursor(page.after, "after");
    if (before !== null && after !== null) throw new BadUserInputError("Give before or after, not both.", "after");
    const id = after !== null ? { $gt: after } : before !== null ? { $lt: before } : undefined;
    const rows = await em.find(
      Message,
      { course: room.courseId, deletedAt: null, ...(threadRoot === undefined ? {} : { threadRoot }), ...(id ? { id } : {}), ...this.visibleWhere(user, room) },
      { fields: ["id"], orderBy: { id: after !== null ? "asc" : "desc" }, limit: last, disableIdentityMap: true },
    );
    const ids = rows.map((r) => r.id).sort((a, b) => a - b);
    return this.dataFor(em, ids, user);
  }

  /** Messages' data in the order of `ids` as this viewer may see them, leaving out any deleted meanwhile or not theirs to read. */
  async dataFor(em: EntityManager, ids: number[], viewer: CurrentUser): Promise<MessageData[]> {
    const data = await this.options.loader.load(em, ids);
    return ids.flatMap((id) => {
      const message = data.get(id);
      return message && mayRead(viewer, message) ? [viewFor(viewer, message)] : [];
    });
  }

  /** Stored first, then published: what subscribers receive is exactly what history holds. */
  async send(operation: OperationEm, user: CurrentUser, courseId: unknown, content: unknown, options: SendOptions = {}): Promise<MessageData> {
    const started = performance.now();
    const text = parseInput(contentSchema, content, "content");
    const clientId = options.clientMessageId === null || options.clientMessageId === undefined ? null : parseInput(clientMessageIdSchema, options.clientMessageId, "clientMessageId");
    // A plain send is counted before any database work: a flood is refused for one Redis round
    // trip, not for the membership reads, so it cannot fill the connection pool in front of
    // everyone else's sends. A retry (clientMessageId) is counted only after its original is
    // looked up, so retrying a send that went through never costs a point.
    const counted = options.counted ?? true;
    const countedEarly = clientId === null && counted ? parseId(courseId) : null;
    if (countedEarly !== null) await this.limit(user, countedEarly);
    const room = await this.options.courses.requireMember(this.reads, user, courseId);
    const course = room.courseId;
    // A retry of a send that already went through: the original, not a second post.
    const original = clientId === null ? null : await this.findByClientId(operation.em, course, user, clientId);
    if (original) return original;
    this.refuseAnnouncementOnly(room);
    if (countedEarly === null && counted) await this.limit(user, course);
    if (room.slowModeSeconds > 0 && !room.moderator) await this.countRefusal(this.options.slowMode.consume(user.id, course, room.slowModeSeconds));
    const reply = await this.replyTarget(operation, user, room, options.replyToId);
    const shape = this.shapeOf(user, room, reply, options);
    const mentions = (await resolveMentions(this.reads, this.options.reader, course, text)).filter(
      // In a private question's thread, only those who may read it are mentioned.
      (m) => shape.privateTo === null || m.role === "staff" || Number(m.id) === room.ownerId || Number(m.id) === shape.privateTo,
    );
    const stored = await this.options.writer.write({
      courseId: course,
      userId: user.id,
      content: text,
      clientMessageId: clientId,
      reply: reply ? { toId: Number(reply.id), rootId: reply.rootId } : null,
      mentionIds: mentions.map((m) => Number(m.id)),
      kind: shape.kind,
      anonymous: shape.anonymous,
      privateTo: shape.privateTo,
    });
    if ("duplicateOf" in stored) {
      // Two copies of one retry raced: the other one stored it.
      const winner = await this.findByClientId(this.options.orm.em.fork(), course, user, stored.duplicateOf);
      if (winner) return winner;
      throw new Error("a retried message was neither stored nor found");
    }
    this.options.metrics.messagesSent.inc();
    const sentOn = stored.sentOn.toISOString();
    const threadId = String(reply ? reply.rootId : stored.messageId);
    const message: MessageData = {
      id: String(stored.messageId),
      courseId: String(course),
      content: text,
      sentOn,
      editedAt: null,
      user: { id: String(user.id), username: user.username, role: user.role },
      replyTo: reply ? { id: reply.id, user: reply.user, preview: reply.preview, deleted: false, anonymous: reply.anonymous, pseudonym: reply.pseudonym } : null,
      threadRootId: reply ? String(reply.rootId) : null,
      replyCount: 0,
      lastReplyAt: null,
      reactions: [],
      mentions,
      kind: shape.kind === "question" ? "QUESTION" : "MESSAGE",
      anonymous: shape.anonymous,
      question:
        shape.kind === "question"
          ? { status: "OPEN", askedAt: sentOn, private: shape.privateTo !== null, acceptedAnswerId: null, answeredAt: null, resolvedAt: null, firstStaffAnswerAt: null }
          : null,
      answer: reply?.rootKind === "question" ? { endorsed: false, accepted: false } : null,
      pseudonym: shape.anonymous ? this.options.pseudonyms.of(String(course), threadId, String(user.id)) : null,
      privateTo: shape.privateTo === null ? null : String(shape.privateTo),
      courseOwnerId: String(room.ownerId),
    };
    await this.publishStored(course, stored, message);
    this.options.metrics.sendLatency.observe((performance.now() - started) / 1000);
    await this.options.onStored?.(message, room);
    return viewFor(user, message);
  }

  /** What kind of message a send makes, and who may read it; BAD_USER_INPUT for a combination that cannot be. */
  private shapeOf(user: CurrentUser, room: RoomAccess, reply: ReplyTarget | null, options: SendOptions): { kind: "message" | "question"; anonymous: boolean; privateTo: number | null } {
    const kind = options.kind === "QUESTION" ? "question" : "message";
    if (kind === "question" && reply) throw new BadUserInputError("A question starts its own thread: it cannot be a reply.", "kind");
    if (options.private && kind !== "question") throw new BadUserInputError("Only a question can be private.", "private");
    const anonymous = options.anonymous === true;
    if (anonymous && (room.moderator || user.role !== Role.Student)) throw new BadUserInputError("Only students post anonymously.", "anonymous");
    if (anonymous && kind !== "question" && reply?.rootKind !== "question") throw new BadUserInputError("Only a question, or an answer to one, can be anonymous.", "anonymous");
    return { kind, anonymous, privateTo: options.private ? user.id : (reply?.privateTo ?? null) };
  }

  private async publishStored(courseId: number, stored: Extract<WriteResult, { messageId: number }>, message: MessageData): Promise<void> {
    const at = stored.sentOn.toISOString();
    const roots = stored.events.filter((e) => e.kind === EventKind.ThreadUpdated).map((e) => e.messageId);
    const rootData = roots.length ? await this.options.loader.load(this.options.orm.em.fork(), roots) : new Map<number, MessageData>();
    for (const event of stored.events) {
      const data = event.kind === EventKind.MessageAdded ? message : rootData.get(event.messageId);
      const timelineEvent: TimelineEvent<MessageData> = { ...event, courseId, userId: event.kind === EventKind.MessageAdded ? Number(message.user.id) : null, at, ...(data ? { message: data } : {}) };
      await this.options.timeline.publish(timelineEvent);
    }
  }

  /** The message a reply answers: of this room, still shown, readable by the sender; a reply to a reply joins its thread. */
  private async replyTarget(operation: OperationEm, user: CurrentUser, room: RoomAccess, replyToId: string | null | undefined): Promise<ReplyTarget | null> {
    if (replyToId === null || replyToId === undefined) return null;
    const id = parseId(replyToId);
    const parent = id === null ? null : await operation.em.findOne(Message, { id, course: room.courseId }, { populate: ["user", "threadRoot"], disableIdentityMap: true });
    if (!parent || !mayRead(user, { privateTo: parent.privateTo === null ? null : String(parent.privateTo), courseOwnerId: String(room.ownerId) })) {
      throw new BadUserInputError("replyToId must be a message of this room.", "replyToId");
    }
    if (parent.deletedAt) throw new BadUserInputError("That message was deleted.", "replyToId", "MESSAGE_DELETED");
    const root = parent.threadRoot ?? parent;
    return {
      id: String(parent.id),
      rootId: root.id,
      rootKind: root.kind,
      privateTo: parent.privateTo,
      user: { id: String(parent.user.id), username: parent.user.username, role: parent.user.role },
      preview: previewOf(parent.content),
      anonymous: parent.anonymous,
      pseudonym: parent.anonymous ? this.options.pseudonyms.of(String(room.courseId), String(root.id), String(parent.user.id)) : null,
    };
  }

  /**
   * An author's edit, within EDIT_WINDOW of sending: stored with the earlier version kept for
   * moderators, then published. Nobody may rewrite another's words, moderators included.
   */
  async edit(em: EntityManager, user: CurrentUser, messageId: unknown, content: unknown): Promise<MessageData> {
    const text = parseInput(contentSchema, content, "content");
    const id = parseId(messageId);
    const message = id === null ? null : await em.findOne(Message, { id }, { disableIdentityMap: true });
    if (!message) throw new ForbiddenError();
    const room = await this.options.courses.requireMember(em, user, message.course.id);
    if (message.user.id !== user.id) throw new ForbiddenError("Only its author may edit a message.");
    if (message.deletedAt) throw new BadUserInputError("That message was deleted.", "messageId", "MESSAGE_DELETED");
    if (Date.now() - message.sentOn.getTime() > this.options.editWindowMs) {
      throw new ForbiddenError(`A message can be edited for ${Math.round(this.options.editWindowMs / 60_000)} minutes after it was sent.`, "EDIT_WINDOW_PASSED");
    }
    this.refuseAnnouncementOnly(room);
    await this.limit(user, room.courseId);
    const mentions = await resolveMentions(em, this.options.reader, room.courseId, text);
    const { events } = await this.options.timeline.append(room.courseId, async (tx) => {
      const current = await tx.findOneOrFail(Message, { id: message.id });
      const now = new Date();
      if (current.content !== text) tx.persist(tx.create(MessageVersion, { message: current, content: current.content, replacedAt: now }));
      current.content = text;
      current.editedAt = now;
      await tx.flush();
      const sql = tx as SqlEntityManager;
      await sql.execute("delete from message_mentions where message_id = ?", [current.id]);
      for (const mention of mentions) await sql.execute("insert into message_mentions (message_id, user_id) values (?, ?)", [current.id, Number(mention.id)]);
      return { events: [{ kind: EventKind.MessageEdited, messageId: current.id }], result: null };
    });
    const edited = events[0]?.message as MessageData | undefined;
    if (!edited) throw new Error("an edited message was not read back");
    return viewFor(user, edited);
  }

  /**
   * Marks a message deleted inside a timeline change (moderation decides who may): its thread
   * root's summary goes down with it. The events to append, in order.
   */
  async markDeleted(tx: EntityManager, message: Pick<Message, "id" | "threadRoot">, by: number): Promise<NewEvent[]> {
    const sql = tx as SqlEntityManager;
    const now = new Date();
    await tx.nativeUpdate(Message, { id: message.id }, { deletedAt: now, deletedBy: by });
    const events: NewEvent[] = [{ kind: EventKind.MessageDeleted, messageId: message.id }];
    if (message.threadRoot) {
      const rootId = message.threadRoot.id;
      const [latest] = await sql.execute<{ at: unknown }[]>("select max(sent_on) as at from messages where thread_root_id = ? and deleted_at is null", [rootId]);
      const count = await tx.count(Message, { threadRoot: rootId, deletedAt: null });
      await tx.nativeUpdate(Message, { id: rootId }, { replyCount: count, lastReplyAt: latest?.at === null || latest?.at === undefined ? null : new Date(latest.at as number | Date) });
      events.push({ kind: EventKind.ThreadUpdated, messageId: rootId });
    }
    return events;
  }

  private refuseAnnouncementOnly(room: RoomAccess): void {
    if (room.announcementOnly && !room.moderator) {
      throw new ForbiddenError("This room is in announcement-only mode: only the instructor and staff may post.");
    }
  }

  /** SEND_RATE_LIMIT, for sends, edits and reactions alike; staff are exempt. */
  async limit(user: CurrentUser, courseId: number): Promise<void> {
    if (this.options.rateLimiter && !isStaff(user)) await this.countRefusal(this.options.rateLimiter.consume(user.id, courseId));
  }

  private async countRefusal(check: Promise<void>): Promise<void> {
    try {
      await check;
    } catch (err) {
      if (err instanceof RateLimitedError) this.options.metrics.rateLimited.inc();
      throw err;
    }
  }

  /** The original of a retried send; a deleted original is never handed back (nor posted again). */
  private async findByClientId(em: EntityManager, courseId: number, user: CurrentUser, clientMessageId: string): Promise<MessageData | null> {
    const message = await em.findOne(Message, { course: courseId, user: user.id, clientMessageId }, { fields: ["id", "deletedAt"], disableIdentityMap: true });
    if (!message) return null;
    if (message.deletedAt) throw new BadUserInputError("The message sent with this clientMessageId was deleted.", "clientMessageId", "MESSAGE_DELETED");
    const data = await this.options.loader.one(em, message.id);
    return data ? viewFor(user, data) : null;
  }

  /** The room as a stream of the events this member sees, replayed from `after`, then live. */
  async roomStream(user: CurrentUser, courseId: unknown, after: string | null | undefined, flow: FlowControl | null): Promise<AsyncIterableIterator<MessageEvent>> {
    return this.open(user, courseId, after, flow, (event): event is MessageEvent => visibleTo(user, event));
  }

  /** Additions only, for `messageAdded`. */
  async subscribe(user: CurrentUser, courseId: unknown, after: string | null | undefined, flow: FlowControl | null): Promise<AsyncIterableIterator<MessageEvent>> {
    return this.open(user, courseId, after, flow, (event): event is MessageEvent => event.kind === EventKind.MessageAdded && visibleTo(user, event));
  }

  /** The member's events that `keep` accepts; `onRoomStream`'s callback is told when the stream ends. */
  private async open(user: CurrentUser, courseId: unknown, after: string | null | undefined, flow: FlowControl | null, keep: (event: MessageEvent) => event is MessageEvent) {
    const stream = (await this.options.streams.open(user, courseId, after, flow)) as AsyncIterableIterator<MessageEvent> & DirectOffering<MessageEvent>;
    const closed = this.onRoomStream?.(user, parseId(courseId)!);
    return filterStream(stream, keep, closed);
  }
}
