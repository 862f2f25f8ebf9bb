import type { EntityManager } from "@mikro-orm/core";
import type { SqlEntityManager } from "@mikro-orm/knex";
import type { DatabaseTarget } from "../config.js";

// Namespace for pg_advisory_xact_lock(namespace, courseId): "ECCH".
const ROOM_LOCK_NAMESPACE = 0x45434348;

/**
 * Serialises, per course, what must happen in one order: inserting messages (so ids become
 * visible in commit order) and revoking a member (so nothing stored after the revocation can
 * reach them). Held until the transaction ends. SQLite has a single writer and needs none.
 */
export async function lockRoom(tx: EntityManager, database: DatabaseTarget["kind"], courseId: number): Promise<void> {
  if (database !== "postgresql") return;
  await (tx as SqlEntityManager).execute("select pg_advisory_xact_lock(?, ?)", [ROOM_LOCK_NAMESPACE, courseId]);
}
