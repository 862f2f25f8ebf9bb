import { Entity, ManyToOne, PrimaryKeyProp, Property, type Rel } from "@mikro-orm/core";
import { User } from "../auth/user.entity.js";
import { Course } from "../courses/course.entity.js";

/**
 * How far a member has read a room: every message with a larger id is unread for them (their
 * own, deleted ones and those they may not see aside). One row per member and room; no row
 * means nothing read yet.
 */
@Entity({ tableName: "read_markers" })
export class ReadMarker {
  [PrimaryKeyProp]?: ["user", "course"];

  @ManyToOne(() => User, { primary: true, deleteRule: "cascade", updateRule: "cascade" })
  user!: Rel<User>;

  // The primary key (user, course) already serves "this user's rooms"; a room's markers are looked up rarely.
  @ManyToOne(() => Course, { primary: true, deleteRule: "cascade", updateRule: "cascade" })
  course!: Rel<Course>;

  /** The last message read (a message id, which is also a room cursor); 0 when none. */
  @Property({ type: "integer", default: 0 })
  lastReadMessageId: number = 0;

  @Property({ type: "datetime" })
  updatedAt: Date = new Date();
}
