import { Entity, Index, ManyToOne, PrimaryKey, Property, type Rel } from "@mikro-orm/core";
import { User } from "../auth/user.entity.js";
import { Message } from "../messages/message.entity.js";

/** A moderator made an anonymous message's author known to the room: kept for the record. */
@Entity({ tableName: "author_reveals" })
@Index({ name: "author_reveals_message_id_index", properties: ["message"] })
export class AuthorReveal {
  @PrimaryKey({ type: "integer", autoincrement: true })
  id!: number;

  @ManyToOne(() => Message, { deleteRule: "cascade", updateRule: "cascade", index: false })
  message!: Rel<Message>;

  @ManyToOne(() => User, { deleteRule: "restrict", updateRule: "cascade" })
  revealedBy!: Rel<User>;

  @Property({ type: "datetime" })
  revealedAt: Date = new Date();
}
