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
  /** knex's tarn pool: what of it is in use right now. */
  pool?: { numUsed(): number; numPendingAcquires(): number };
}

/**
 * The hot statements on SQLite, run synchronously on the ORM pool's one connection with
 * statements prepared once: through the query builder each was prepared again per call
 * (a tenth of a send's CPU). Taking the connection from the pool means no ORM transaction is
 * open on it meanwhile; a caller inside one must use its EntityManager instead (see usable).
 */
export class SqliteConnection {
  private readonly prepares = new WeakMap<SqliteDatabase, (sql: string) => SqliteStatement>();
  /** The pool's connection, as last acquired; closed once the pool replaces it. */
  private last: (SqliteDatabase & { open?: boolean }) | null = null;

  constructor(private readonly orm: MikroORM) {}

  /** False inside a transaction: the pool's only connection is that transaction's. */
  static usable(em: EntityManager): boolean {
    return !em.isInTransaction();
  }

  async run<T>(work: (db: SqliteDatabase, prepare: (sql: string) => SqliteStatement) => T): Promise<T> {
    const client = (this.orm.em.getConnection() as AbstractSqlConnection).getKnex().client as unknown as PooledClient;
    const idle = this.last;
    // Nobody holds the pool's connection (no ORM query or transaction is under way on it, and
    // none waits for it), and the work is synchronous, so nobody can take it meanwhile: run on
    // it as it is. An acquire and a release cost a timer and two turns of the event loop.
    if (idle?.open === true && client.pool && client.pool.numUsed() === 0 && client.pool.numPendingAcquires() === 0) return work(idle, this.prepareFor(idle));
    const db = await client.acquireConnection();
    this.last = db;
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
