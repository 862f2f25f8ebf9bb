import { Entity, Index, PrimaryKey, Property } from "@mikro-orm/core";
import { Field, ID, ObjectType, registerEnumType } from "type-graphql";

export enum Role {
  Student = "student",
  Instructor = "instructor",
  Staff = "staff",
}

registerEnumType(Role, { name: "Role", description: "What a user may do across the platform." });

@ObjectType({ description: "A person who can log in: a student, an instructor or staff." })
@Entity({ tableName: "users" })
export class User {
  @Field(() => ID, { description: "Stable identifier of the user." })
  @PrimaryKey({ type: "integer", autoincrement: true })
  id!: number;

  @Field(() => String, { description: "The name shown beside the user's messages." })
  @Property({ type: "string", length: 32 })
  username!: string;

  /** Lower-cased username: uniqueness ignores case on every database. */
  @Property({ type: "string", length: 32, unique: true })
  usernameKey!: string;

  @Property({ type: "string", length: 255, hidden: true, lazy: true })
  passwordHash!: string;

  @Field(() => Role, { description: "student, instructor or staff." })
  // A plain column (the code owns the values): SQLite's check constraints defeat schema diffs.
  @Property({ type: "string", length: 16, default: Role.Student })
  role: Role = Role.Student;

  @Index()
  @Property({ type: "datetime" })
  createdAt: Date = new Date();

  /** "Log out everywhere": tokens issued before this are refused, with or without a session. */
  @Property({ type: "datetime", nullable: true })
  tokensValidAfter: Date | null = null;
}
