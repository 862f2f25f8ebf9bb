import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel, Unique } from "@mikro-orm/core";
import { User } from "../auth/user.entity.js";
import { Course } from "../courses/course.entity.js";

/**
 * A stored chat message. Its id is the id of the room event that added it (timeline/), so
 * ids increase in commit order within a course, and a message id is also a cursor.
 */
@Entity({ tableName: "messages" })
@Index({ name: "messages_course_id_id_index", properties: ["course", "id"] })
@Index({ name: "messages_thread_root_id_id_index", properties: ["threadRoot", "id"] })
@Index({ name: "messages_question_status_course_id_id_index", properties: ["questionStatus", "course", "id"] })
@Unique({ name: "messages_client_message_id_unique", properties: ["course", "user", "clientMessageId"] })
// Unread counts (readstate/) read it alone: a room's shown messages after a marker, with what the count filters on.
@Index({
  name: "messages_unread_index",
  expression: 'create index "messages_unread_index" on "messages" ("course_id", "id", "user_id", "private_to") where "deleted_at" is null',
})
export class Message {
  [OptionalProps]?:
    | "sentOn"
    | "clientMessageId"
    | "deletedAt"
    | "deletedBy"
    | "editedAt"
    | "replyTo"
    | "threadRoot"
    | "replyCount"
    | "lastReplyAt"
    | "kind"
    | "anonymous"
    | "privateTo"
    | "questionStatus"
    | "acceptedAnswer"
    | "answeredAt"
    | "resolvedAt"
    | "firstStaffAnswerAt"
    | "endorsedAt"
    | "endorsedBy";

  @PrimaryKey({ type: "integer", autoincrement: true })
  id!: number;

  // Restrict: deleting a course or user that has messages is refused, so history is never lost.
  @ManyToOne(() => Course, { deleteRule: "restrict", updateRule: "cascade", index: false })
  course!: Rel<Course>;

  @ManyToOne(() => User, { deleteRule: "restrict", updateRule: "cascade" })
  user!: Rel<User>;

  @Property({ type: "text" })
  content!: string;

  @Property({ type: "datetime" })
  sentOn: Date = new Date();

  /** The client's own id for this send: a retried send with it returns this message. */
  @Property({ type: "string", length: 64, nullable: true })
  clientMessageId: string | null = null;

  /** Moderation keeps the row (the admin list shows it) but rooms and history drop it. */
  @Property({ type: "datetime", nullable: true })
  deletedAt: Date | null = null;

  @ManyToOne(() => User, { nullable: true, deleteRule: "restrict", updateRule: "cascade" })
  deletedBy: Rel<User> | null = null;

  /** Null until the author edits it; the earlier versions are message_versions rows. */
  @Property({ type: "datetime", nullable: true })
  editedAt: Date | null = null;

  /** The message this one answers. */
  @ManyToOne(() => Message, { nullable: true, deleteRule: "restrict", updateRule: "cascade", index: false })
  replyTo: Rel<Message> | null = null;

  /** The first message of the thread this one is in (one level: a reply to a reply joins its thread). */
  @ManyToOne(() => Message, { nullable: true, deleteRule: "restrict", updateRule: "cascade", index: false })
  threadRoot: Rel<Message> | null = null;

  /** On a thread's root: its replies still shown, and when the latest was sent. */
  @Property({ type: "integer", default: 0 })
  replyCount: number = 0;

  @Property({ type: "datetime", nullable: true })
  lastReplyAt: Date | null = null;

  /** "message" or "question" (a course question: its replies are its answers). */
  @Property({ type: "string", length: 16, default: "message" })
  kind: string = "message";

  /** Shown to classmates under a pseudonym (the instructor and staff see who wrote it). */
  @Property({ type: "boolean", default: false })
  anonymous: boolean = false;

  /** In a private question's thread: the asker, who alone (with the instructor and staff) sees it. */
  @Property({ type: "integer", nullable: true })
  privateTo: number | null = null;

  /** On a question: "open", "answered" or "resolved". */
  @Property({ type: "string", length: 16, nullable: true })
  questionStatus: string | null = null;

  @ManyToOne(() => Message, { nullable: true, deleteRule: "set null", updateRule: "cascade", index: false })
  acceptedAnswer: Rel<Message> | null = null;

  @Property({ type: "datetime", nullable: true })
  answeredAt: Date | null = null;

  @Property({ type: "datetime", nullable: true })
  resolvedAt: Date | null = null;

  /** When the instructor or staff first answered: the queue's wait ends there. */
  @Property({ type: "datetime", nullable: true })
  firstStaffAnswerAt: Date | null = null;

  /** On an answer: when the instructor or staff endorsed it, and who. */
  @Property({ type: "datetime", nullable: true })
  endorsedAt: Date | null = null;

  @ManyToOne(() => User, { nullable: true, deleteRule: "restrict", updateRule: "cascade" })
  endorsedBy: Rel<User> | null = null;
}
