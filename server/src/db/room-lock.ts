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

/**
 * PostgreSQL: several rooms' locks, taken in the ascending order given (unnest yields the array
 * in order, and each row's lock is taken as it is produced). SQL without parameters, so it can
 * share a transaction's opening round trip.
 */
export function lockRoomsSql(courseIds: number[]): string {
  return `select pg_advisory_xact_lock(${ROOM_LOCK_NAMESPACE}, c) from unnest('${intArray(courseIds)}'::int[]) as c`;
}

/** A PostgreSQL array literal: knex would spread a JS array into separate parameters. */
export function intArray(ids: number[]): string {
  return `{${ids.map((id) => Math.trunc(id)).join(",")}}`;
}
