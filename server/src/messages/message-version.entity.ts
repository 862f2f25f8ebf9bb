import { Entity, Index, ManyToOne, PrimaryKey, Property, type Rel } from "@mikro-orm/core";
import { Message } from "./message.entity.js";

/** What a message said before an edit: the message admin shows moderators every version. */
@Entity({ tableName: "message_versions" })
@Index({ name: "message_versions_message_id_index", properties: ["message"] })
export class MessageVersion {
  @PrimaryKey({ type: "integer", autoincrement: true })
  id!: number;

  @ManyToOne(() => Message, { deleteRule: "cascade", updateRule: "cascade", index: false })
  message!: Rel<Message>;

  @Property({ type: "text" })
  content!: string;

  /** Until when the message said this (when the edit replaced it). */
  @Property({ type: "datetime" })
  replacedAt!: Date;
}
