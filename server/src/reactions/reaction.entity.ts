import { Entity, Index, ManyToOne, PrimaryKey, PrimaryKeyProp, Property, type Rel } from "@mikro-orm/core";
import { User } from "../auth/user.entity.js";
import { Message } from "../messages/message.entity.js";

/** One user's reaction with one emoji to one message: at most one of each. */
@Entity({ tableName: "reactions" })
@Index({ name: "reactions_message_id_created_at_index", properties: ["message", "createdAt"] })
export class Reaction {
  [PrimaryKeyProp]?: ["message", "user", "emoji"];

  @ManyToOne(() => Message, { primary: true, deleteRule: "cascade", updateRule: "cascade" })
  message!: Rel<Message>;

  @ManyToOne(() => User, { primary: true, deleteRule: "cascade", updateRule: "cascade" })
  user!: Rel<User>;

  /** One grapheme: at most 64 bytes covers every emoji sequence. */
  @PrimaryKey({ type: "string", length: 64 })
  emoji!: string;

  @Property({ type: "datetime" })
  createdAt: Date = new Date();
}
