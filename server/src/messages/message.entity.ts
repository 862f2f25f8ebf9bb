import { Entity, Index, ManyToOne, PrimaryKey, Property, type Rel, Unique } from "@mikro-orm/core";
import { User } from "../auth/user.entity.js";
import { Course } from "../courses/course.entity.js";

/**
 * A stored chat message. Ids increase in commit order within a course (see MessageService.store),
 * so "newer than id" never skips a message that commits late.
 */
@Entity({ tableName: "messages" })
@Index({ name: "messages_course_id_id_index", properties: ["course", "id"] })
@Unique({ name: "messages_client_message_id_unique", properties: ["course", "user", "clientMessageId"] })
export class Message {
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
}
