import { Entity, Index, ManyToOne, PrimaryKeyProp, type Rel } from "@mikro-orm/core";
import { User } from "../auth/user.entity.js";
import { Message } from "./message.entity.js";

/** A member a message mentions (by name, or through @instructor or @staff), as the server resolved it. */
@Entity({ tableName: "message_mentions" })
// A reader's mentions after their marker (readstate/): unread mention counts.
@Index({ name: "message_mentions_user_id_message_id_index", properties: ["user", "message"] })
export class Mention {
  [PrimaryKeyProp]?: ["message", "user"];

  @ManyToOne(() => Message, { primary: true, deleteRule: "cascade", updateRule: "cascade" })
  message!: Rel<Message>;

  @ManyToOne(() => User, { primary: true, deleteRule: "cascade", updateRule: "cascade" })
  user!: Rel<User>;
}
