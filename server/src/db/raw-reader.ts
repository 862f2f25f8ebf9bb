import type { EntityManager } from "@mikro-orm/core";
import type { SqlEntityManager } from "@mikro-orm/knex";
import { intArray } from "./room-lock.js";
import { SqliteConnection } from "./sqlite-connection.js";

/**
 * Plain reads on the hot paths (replays, room checks), outside the identity map: on SQLite
 * with statements prepared once (unless `em` is inside a transaction, whose connection it is),
 * elsewhere through the ORM's connection.
 */
export class RawReader {
  constructor(readonly sqlite: SqliteConnection | null) {}

  read<T>(em: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
    if (this.sqlite && SqliteConnection.usable(em)) return this.sqlite.run((_db, prepare) => prepare(sql).all(...params) as T[]);
    return (em as SqlEntityManager).execute<T[]>(sql, params);
  }

  /** A list of ids as one parameter: `in (select value from json_each(?))` / `= any(?::int[])`. */
  ids(ids: number[]): string {
    return this.sqlite ? JSON.stringify(ids) : intArray(ids);
  }

  /** The SQL that tests membership in `ids(...)` for a column. */
  inIds(column: string): string {
    return this.sqlite ? `${column} in (select value from json_each(?))` : `${column} = any(?::int[])`;
  }
}

/** SQLite answers dates as epoch milliseconds, PostgreSQL as Dates. */
export function isoDate(value: unknown): string {
  return new Date(value as number | Date).toISOString();
}

export function isoOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : isoDate(value);
}
