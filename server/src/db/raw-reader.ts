import type { EntityManager, EntityName } from "@mikro-orm/core";
import type { SqlEntityManager } from "@mikro-orm/knex";
import { intArray } from "./room-lock.js";
import { SqliteConnection } from "./sqlite-connection.js";

/** The part of a pooled `pg` client a prepared read needs. */
interface PgClient {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/**
 * Plain reads on the hot paths (replays, room checks, read state), outside the identity map,
 * with statements prepared once: on SQLite by the driver; on PostgreSQL as named statements on
 * the ORM's own pooled connections, so that after its first few runs on a connection a read is
 * no longer planned again (the home screen's counts spent as long being planned as running).
 * Inside a transaction a read goes through the transaction's connection, unprepared.
 */
export class RawReader {
  /** One name per distinct text: a named statement is prepared per connection, once. */
  private readonly statements = new Map<string, { name: string; text: string }>();

  constructor(
    readonly sqlite: SqliteConnection | null,
    private readonly postgres = false,
  ) {}

  read<T>(em: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
    if (this.sqlite && SqliteConnection.usable(em)) return this.sqlite.run((_db, prepare) => prepare(sql).all(...params) as T[]);
    if (this.postgres && !em.isInTransaction()) return this.prepared<T>(em as SqlEntityManager, sql, params);
    return (em as SqlEntityManager).execute<T[]>(sql, params);
  }

  private async prepared<T>(em: SqlEntityManager, sql: string, params: unknown[]): Promise<T[]> {
    let statement = this.statements.get(sql);
    if (!statement) {
      let n = 0;
      // Our texts use `?` for parameters only (never inside a literal), as knex does.
      statement = { name: `educa_${this.statements.size + 1}`, text: sql.replace(/\?/g, () => `$${++n}`) };
      this.statements.set(sql, statement);
    }
    const { client } = em.getKnex();
    const connection = (await client.acquireConnection()) as PgClient;
    try {
      return (await connection.query({ ...statement, values: params })).rows as T[];
    } finally {
      await client.releaseConnection(connection);
    }
  }

  /** A list of ids as one parameter: `in (select value from json_each(?))` / `= any(?::int[])`. */
  ids(ids: number[]): string {
    return this.sqlite ? JSON.stringify(ids) : intArray(ids);
  }

  /** The SQL that tests membership in `ids(...)` for a column. */
  inIds(column: string): string {
    return this.sqlite ? `${column} in (select value from json_each(?))` : `${column} = any(?::int[])`;
  }

  /** A list of strings as one parameter, for `inTexts(...)`. */
  texts(values: string[]): string {
    return this.sqlite ? JSON.stringify(values) : `{${values.map((v) => `"${v.replace(/["\\]/g, "\\$&")}"`).join(",")}}`;
  }

  inTexts(column: string): string {
    return this.sqlite ? `${column} in (select value from json_each(?))` : `${column} = any(?::text[])`;
  }

  /**
   * `select <columns> from <table> where <key> in (…list…)`, with the names the entity's
   * metadata gives its properties; each column is named as its property in the rows.
   */
  selectIn(em: EntityManager, entity: EntityName<object>, properties: string[], key: string, list: "ids" | "texts"): string {
    const meta = em.getMetadata().get(entity);
    const column = (property: string) => {
      const field = (meta.properties as Record<string, { fieldNames: string[] } | undefined>)[property]?.fieldNames[0];
      if (!field) throw new Error(`${meta.className} has no column for ${property}`);
      return field;
    };
    const columns = properties.map((p) => `${column(p)} as "${p}"`).join(", ");
    const where = list === "ids" ? this.inIds(column(key)) : this.inTexts(column(key));
    return `select ${columns} from ${meta.tableName} where ${where}`;
  }
}

/** SQLite answers dates as epoch milliseconds, PostgreSQL as Dates: either as epoch milliseconds. */
export function epochMs(value: unknown): number {
  return new Date(value as number | Date).getTime();
}

export function epochMsOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : epochMs(value);
}

/** SQLite answers dates as epoch milliseconds, PostgreSQL as Dates. */
export function isoDate(value: unknown): string {
  return new Date(value as number | Date).toISOString();
}

export function isoOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : isoDate(value);
}
