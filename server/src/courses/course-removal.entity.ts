import { Entity, ManyToOne, PrimaryKey, Property, type Rel, Unique } from "@mikro-orm/core";
import { User } from "../auth/user.entity.js";
import { Course } from "./course.entity.js";

/**
 * A student a moderator removed from a course: they cannot enrol again by themselves until
 * staff or the course's instructor re-admits them (which deletes the row). Leaving a course
 * by one's own choice leaves no row.
 */
@Entity({ tableName: "course_removals" })
@Unique({ name: "course_removals_course_id_user_id_unique", properties: ["course", "user"] })
export class CourseRemoval {
  @PrimaryKey({ type: "integer", autoincrement: true })
  id!: number;

  @ManyToOne(() => Course, { deleteRule: "cascade", updateRule: "cascade", index: false })
  course!: Rel<Course>;

  @ManyToOne(() => User, { deleteRule: "cascade", updateRule: "cascade" })
  user!: Rel<User>;

  @ManyToOne(() => User, { deleteRule: "restrict", updateRule: "cascade" })
  removedBy!: Rel<User>;

  @Property({ type: "datetime" })
  removedAt: Date = new Date();
}
