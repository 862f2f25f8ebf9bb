import { Entity, PrimaryKey, Property } from "@mikro-orm/core";

/**
 * A change to who someone is or which of their tokens count (a role, a logout, a renewal),
 * appended in the same transaction as the change. Every instance reads new rows every second,
 * so changes made anywhere — another instance, the manage command — reach open sockets and
 * cached users within that time, even when pub/sub is down.
 */
@Entity({ tableName: "auth_changes" })
export class AuthChange {
  @PrimaryKey({ type: "integer", autoincrement: true })
  id!: number;

  @Property({ type: "integer" })
  userId!: number;

  /** The session concerned; null when it concerns the user (a role) or all their sessions. */
  @Property({ type: "string", length: 32, nullable: true })
  sessionId: string | null = null;

  @Property({ type: "datetime" })
  createdAt: Date = new Date();
}
