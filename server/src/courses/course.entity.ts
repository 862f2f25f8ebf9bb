import {
  Collection,
  Entity,
  ManyToMany,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  Property,
  type Rel,
} from "@mikro-orm/core";
import { GraphQLDateTimeISO } from "graphql-scalars";
import { Field, ID, Int, ObjectType } from "type-graphql";
import { User } from "../auth/user.entity.js";

@ObjectType({ description: "A course of the catalogue; each has one chat room." })
@Entity({ tableName: "courses" })
export class Course {
  [OptionalProps]?: "announcementOnly" | "slowModeSeconds" | "overview" | "createdAt";

  @Field(() => ID, { description: "Stable identifier of the course." })
  @PrimaryKey({ type: "integer", autoincrement: true })
  id!: number;

  @Field(() => String, { description: "The course's title." })
  @Property({ type: "string", length: 200 })
  title!: string;

  @Field(() => String, { description: "URL-friendly name derived from the title; unique." })
  @Property({ type: "string", length: 220, unique: true })
  slug!: string;

  @Field(() => String, { description: "What the course is about." })
  @Property({ type: "text" })
  overview: string = "";

  /** The instructor who teaches the course. Deleting a user who owns courses is refused. */
  @ManyToOne(() => User, { deleteRule: "restrict", updateRule: "cascade" })
  owner!: Rel<User>;

  @Field(() => GraphQLDateTimeISO, { description: "When the course was created." })
  @Property({ type: "datetime" })
  createdAt: Date = new Date();

  @Field(() => Boolean, { description: "When true only staff and the course's instructor may post; students read." })
  @Property({ type: "boolean", default: false })
  announcementOnly: boolean = false;

  @Field(() => Int, { description: "Slow mode: a student may post once per this many seconds; 0 is off." })
  @Property({ type: "integer", default: 0 })
  slowModeSeconds: number = 0;

  @ManyToMany(() => User, undefined, {
    owner: true,
    pivotTable: "course_students",
    joinColumn: "course_id",
    inverseJoinColumn: "user_id",
  })
  students = new Collection<User>(this);
}
