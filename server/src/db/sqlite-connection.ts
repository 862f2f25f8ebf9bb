import type { EntityManager, MikroORM } from "@mikro-orm/core";
import type { AbstractSqlConnection } from "@mikro-orm/knex";

/** The little of better-sqlite3 used here (the package ships no types). */
export interface SqliteStatement {
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
}
export interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  transaction<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R;
}
interface PooledClient {
  acquireConnection(): Promise<SqliteDatabase>;
  releaseConnection(connection: SqliteDatabase): Promise<void>;
}

/**
 * The hot statements on SQLite, run synchronously on the ORM pool's one connection with
 * statements prepared once: through the query builder each was prepared again per call
 * (a tenth of a send's CPU). Taking the connection from the pool means no ORM transaction is
 * open on it meanwhile; a caller inside one must use its EntityManager instead (see usable).
 */
export class SqliteConnection {
  private readonly prepares = new WeakMap<SqliteDatabase, (sql: string) => SqliteStatement>();

  constructor(private readonly orm: MikroORM) {}

  /** False inside a transaction: the pool's only connection is that transaction's. */
  static usable(em: EntityManager): boolean {
    return !em.isInTransaction();
  }

  async run<T>(work: (db: SqliteDatabase, prepare: (sql: string) => SqliteStatement) => T): Promise<T> {
    const client = (this.orm.em.getConnection() as AbstractSqlConnection).getKnex().client as unknown as PooledClient;
    const db = await client.acquireConnection();
    try {
      return work(db, this.prepareFor(db));
    } finally {
      await client.releaseConnection(db);
    }
  }

  private prepareFor(db: SqliteDatabase): (sql: string) => SqliteStatement {
    let prepare = this.prepares.get(db);
    if (!prepare) {
      const statements = new Map<string, SqliteStatement>();
      prepare = (sql) => {
        let statement = statements.get(sql);
        if (!statement) {
          statement = db.prepare(sql);
          statements.set(sql, statement);
        }
        return statement;
      };
      this.prepares.set(db, prepare);
    }
    return prepare;
  }
}
