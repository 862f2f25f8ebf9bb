import { Entity, Index, ManyToOne, PrimaryKey, Property, type Rel } from "@mikro-orm/core";
import { User } from "./user.entity.js";

/**
 * One login on one device. Its tokens carry its id and the generation that issued them:
 * renewing moves the generation on (the previous token stays valid for a short grace), logging
 * out revokes it, and it ends for good at `endsAt` (SESSION_MAX_AGE after the login).
 */
@Entity({ tableName: "sessions" })
@Index({ name: "sessions_user_id_index", properties: ["user"] })
export class Session {
  @PrimaryKey({ type: "string", length: 32 })
  id!: string;

  @ManyToOne(() => User, { deleteRule: "cascade", updateRule: "cascade", index: false })
  user!: Rel<User>;

  @Property({ type: "datetime" })
  createdAt: Date = new Date();

  @Property({ type: "datetime" })
  endsAt!: Date;

  @Property({ type: "integer", default: 1 })
  generation: number = 1;

  /** Until then, a token of generation - 1 is still accepted (tabs and requests in flight). */
  @Property({ type: "datetime", nullable: true })
  previousValidUntil: Date | null = null;

  @Property({ type: "datetime", nullable: true })
  revokedAt: Date | null = null;
}
