import type { EntityManager } from "@mikro-orm/core";
import type { Role } from "../auth/user.entity.js";
import { isoDate, isoOrNull, type RawReader } from "../db/raw-reader.js";
import type { Pseudonyms } from "./anonymity.js";

/** Who wrote, reacted or is mentioned, as every reader of the message sees them. */
export interface Author {
  id: string;
  username: string;
  role: Role;
}

/** The message a reply answers: enough to quote it, even after it was deleted. */
export interface MessageReferenceData {
  id: string;
  user: Author;
  /** The start of its content; empty once it was deleted. */
  preview: string;
  deleted: boolean;
  /** Internal: an anonymous parent is quoted under its author's pseudonym for classmates. */
  anonymous: boolean;
  pseudonym: Author | null;
}

export type MessageKindData = "MESSAGE" | "QUESTION";
export type QuestionStatusData = "OPEN" | "ANSWERED" | "RESOLVED";

/** A course question's state, on the first message of its thread (its replies are its answers). */
export interface QuestionData {
  status: QuestionStatusData;
  askedAt: string;
  private: boolean;
  acceptedAnswerId: string | null;
  answeredAt: string | null;
  resolvedAt: string | null;
  /** When the instructor or staff first answered; the staff queue's wait ends there. */
  firstStaffAnswerAt: string | null;
}

/** A reply in a question's thread: an answer, endorsed by a moderator, accepted by the asker. */
export interface AnswerData {
  endorsed: boolean;
  accepted: boolean;
}

export interface ReactionData {
  emoji: string;
  count: number;
  /** Who reacted, in the order they did: `reactedByMe` and the pages of `users` read it. */
  userIds: string[];
  /** Internal: where the message is (for the pseudonyms of those who react anonymously in its thread). */
  on: { courseId: string; threadId: string; courseOwnerId: string };
}

/**
 * A message's one shape, from the store to the wire: read from the database, carried over
 * pub/sub as JSON, replayed, and resolved as the GraphQL `Message` without conversion.
 */
export interface MessageData {
  id: string;
  courseId: string;
  content: string;
  sentOn: string;
  editedAt: string | null;
  user: Author;
  replyTo: MessageReferenceData | null;
  threadRootId: string | null;
  replyCount: number;
  lastReplyAt: string | null;
  reactions: ReactionData[];
  mentions: Author[];
  kind: MessageKindData;
  /** Posted under a pseudonym: classmates see `pseudonym` instead of `user` (anonymity.ts). */
  anonymous: boolean;
  question: QuestionData | null;
  answer: AnswerData | null;
  /** Internal, never a field: what classmates see of an anonymous author. */
  pseudonym: Author | null;
  /** Internal: in a private question's thread, the asker, who alone (with moderators) may see it. */
  privateTo: string | null;
  /** Internal: the course's instructor, who (with staff) moderates it. */
  courseOwnerId: string;
}

export const PREVIEW_LENGTH = 120;

/** The start of a text, by code points, for quoting. */
export function previewOf(content: string): string {
  const points = [...content];
  return points.length <= PREVIEW_LENGTH ? content : `${points.slice(0, PREVIEW_LENGTH).join("")}…`;
}

interface MessageRow {
  id: number | string;
  course_id: number | string;
  owner_id: number | string;
  content: string;
  sent_on: unknown;
  edited_at: unknown;
  deleted_at: unknown;
  reply_to_id: number | string | null;
  thread_root_id: number | string | null;
  reply_count: number | string;
  last_reply_at: unknown;
  user_id: number | string;
  username: string;
  role: Role;
  kind: string;
  anonymous: boolean | number;
  private_to: number | string | null;
  question_status: string | null;
  accepted_answer_id: number | string | null;
  answered_at: unknown;
  resolved_at: unknown;
  first_staff_answer_at: unknown;
  endorsed_at: unknown;
  root_kind: string | null;
  root_accepted_answer_id: number | string | null;
  /** The message it replies to (`p_id` null when it is not a reply), read in the same query. */
  p_id: number | string | null;
  p_course_id: number | string | null;
  p_content: string | null;
  p_deleted_at: unknown;
  p_thread_root_id: number | string | null;
  p_anonymous: boolean | number | null;
  p_user_id: number | string | null;
  p_username: string | null;
  p_role: Role | null;
}

const truthy = (value: boolean | number) => value === true || value === 1;

const author = (row: { user_id: number | string; username: string; role: Role }): Author => ({ id: String(row.user_id), username: row.username, role: row.role });

/** Reads messages' data in a few queries, however many: a replay page, one edit, a history page. */
export class MessageDataLoader {
  private readonly sql;

  constructor(
    private readonly reader: RawReader,
    private readonly pseudonyms: Pseudonyms,
  ) {
    const inIds = (column: string) => reader.inIds(column);
    this.sql = {
      messages: `select m.id, m.course_id, c.owner_id, m.content, m.sent_on, m.edited_at, m.deleted_at, m.reply_to_id, m.thread_root_id,
          m.reply_count, m.last_reply_at, u.id as user_id, u.username, u.role, m.kind, m.anonymous, m.private_to, m.question_status,
          m.accepted_answer_id, m.answered_at, m.resolved_at, m.first_staff_answer_at, m.endorsed_at,
          r.kind as root_kind, r.accepted_answer_id as root_accepted_answer_id,
          p.id as p_id, p.course_id as p_course_id, p.content as p_content, p.deleted_at as p_deleted_at, p.thread_root_id as p_thread_root_id,
          p.anonymous as p_anonymous, pu.id as p_user_id, pu.username as p_username, pu.role as p_role
        from messages m join users u on u.id = m.user_id join courses c on c.id = m.course_id
          left join messages r on r.id = m.thread_root_id
          left join messages p on p.id = m.reply_to_id left join users pu on pu.id = p.user_id
        where ${inIds("m.id")}`,
      reactions: `select message_id, emoji, user_id from reactions where ${inIds("message_id")} order by message_id, created_at, user_id`,
      mentions: `select mm.message_id, u.id as user_id, u.username, u.role from message_mentions mm join users u on u.id = mm.user_id
        where ${inIds("mm.message_id")} order by mm.message_id, u.username_key`,
    };
  }

  /** The data of each message that is still shown (deleted ones are left out), by id. */
  async load(em: EntityManager, ids: number[]): Promise<Map<number, MessageData>> {
    const wanted = [...new Set(ids)];
    const result = new Map<number, MessageData>();
    if (wanted.length === 0) return result;
    // One round trip: the parent comes joined, and reactions and mentions are read for every id
    // asked alongside (a deleted message's are simply not used).
    const param = [this.reader.ids(wanted)];
    const [rows, reactions, mentions] = await Promise.all([
      this.reader.read<MessageRow>(em, this.sql.messages, param),
      this.reader.read<{ message_id: number | string; emoji: string; user_id: number | string }>(em, this.sql.reactions, param),
      this.reader.read<{ message_id: number | string; user_id: number | string; username: string; role: Role }>(em, this.sql.mentions, param),
    ]);
    const shown = rows.filter((row) => row.deleted_at === null);
    const where = new Map(shown.map((row) => [Number(row.id), { courseId: String(row.course_id), threadId: String(row.thread_root_id ?? row.id), courseOwnerId: String(row.owner_id) }]));
    const reactionsById = groupReactions(reactions, where);
    const mentionsById = new Map<number, Author[]>();
    for (const row of mentions) {
      const list = mentionsById.get(Number(row.message_id)) ?? [];
      list.push(author(row));
      mentionsById.set(Number(row.message_id), list);
    }
    for (const row of shown) {
      const id = Number(row.id);
      const anonymous = truthy(row.anonymous);
      const threadId = String(row.thread_root_id ?? row.id);
      result.set(id, {
        id: String(id),
        courseId: String(row.course_id),
        content: row.content,
        sentOn: isoDate(row.sent_on),
        editedAt: isoOrNull(row.edited_at),
        user: author(row),
        replyTo: this.referenceTo(row),
        threadRootId: row.thread_root_id === null ? null : String(row.thread_root_id),
        replyCount: Number(row.reply_count),
        lastReplyAt: isoOrNull(row.last_reply_at),
        reactions: reactionsById.get(id) ?? [],
        mentions: mentionsById.get(id) ?? [],
        kind: row.kind === "question" ? "QUESTION" : "MESSAGE",
        anonymous,
        question: row.kind === "question" ? questionOf(row) : null,
        answer: row.root_kind === "question" ? { endorsed: row.endorsed_at !== null, accepted: row.root_accepted_answer_id !== null && Number(row.root_accepted_answer_id) === id } : null,
        pseudonym: anonymous ? this.pseudonyms.of(String(row.course_id), threadId, String(row.user_id)) : null,
        privateTo: row.private_to === null ? null : String(row.private_to),
        courseOwnerId: String(row.owner_id),
      });
    }
    return result;
  }

  async one(em: EntityManager, id: number): Promise<MessageData | undefined> {
    return (await this.load(em, [id])).get(id);
  }

  /** The quoted parent of a reply, from its joined columns; null when the message is not a reply. */
  private referenceTo(row: MessageRow): MessageReferenceData | null {
    if (row.p_id === null || row.p_user_id === null || row.p_username === null || row.p_role === null) return null;
    const deleted = row.p_deleted_at !== null;
    const anonymous = truthy(row.p_anonymous ?? false);
    return {
      id: String(row.p_id),
      user: { id: String(row.p_user_id), username: row.p_username, role: row.p_role },
      preview: deleted ? "" : previewOf(row.p_content ?? ""),
      deleted,
      anonymous,
      pseudonym: anonymous ? this.pseudonyms.of(String(row.p_course_id), String(row.p_thread_root_id ?? row.p_id), String(row.p_user_id)) : null,
    };
  }
}

function questionOf(row: MessageRow): QuestionData {
  return {
    status: row.question_status === "resolved" ? "RESOLVED" : row.question_status === "answered" ? "ANSWERED" : "OPEN",
    askedAt: isoDate(row.sent_on),
    private: row.private_to !== null,
    acceptedAnswerId: row.accepted_answer_id === null ? null : String(row.accepted_answer_id),
    answeredAt: isoOrNull(row.answered_at),
    resolvedAt: isoOrNull(row.resolved_at),
    firstStaffAnswerAt: isoOrNull(row.first_staff_answer_at),
  };
}

/** Rows ordered by message and time → each message's reactions, each emoji in the order first used. */
function groupReactions(
  rows: { message_id: number | string; emoji: string; user_id: number | string }[],
  where: Map<number, ReactionData["on"]>,
): Map<number, ReactionData[]> {
  const byMessage = new Map<number, Map<string, ReactionData>>();
  for (const row of rows) {
    const id = Number(row.message_id);
    let emojis = byMessage.get(id);
    if (!emojis) byMessage.set(id, (emojis = new Map()));
    let reaction = emojis.get(row.emoji);
    if (!reaction) emojis.set(row.emoji, (reaction = { emoji: row.emoji, count: 0, userIds: [], on: where.get(id)! }));
    reaction.count++;
    reaction.userIds.push(String(row.user_id));
  }
  return new Map([...byMessage].map(([id, emojis]) => [id, [...emojis.values()]]));
}
