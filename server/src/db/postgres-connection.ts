import type { MikroORM } from "@mikro-orm/core";
import type { AbstractSqlConnection } from "@mikro-orm/knex";

/** The little of node-postgres' client used here. */
interface PgClient {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}
interface PooledClient {
  acquireConnection(): Promise<PgClient>;
  releaseConnection(connection: PgClient): Promise<void>;
}

/** Runs one statement of the transaction; `$1`, `$2`, … placeholders. */
export type PgQuery = <R>(sql: string, params: unknown[]) => Promise<R[]>;

/**
 * The hot write on PostgreSQL, on a connection of the ORM's pool but outside the ORM: the
 * transaction's opening (BEGIN and the statements that must come first, such as its locks) goes
 * in one round trip, which node-postgres only allows for statements without parameters, and no
 * unit of work or transaction context is set up for a transaction that only inserts.
 */
export class PostgresConnection {
  constructor(private readonly orm: MikroORM) {}

  /** `opening` is SQL without parameters run right after BEGIN; COMMIT follows `work`. */
  async transaction<T>(opening: string, work: (query: PgQuery) => Promise<T>): Promise<T> {
    const pool = (this.orm.em.getConnection() as AbstractSqlConnection).getKnex().client as unknown as PooledClient;
    const client = await pool.acquireConnection();
    try {
      try {
        await client.query(`begin; ${opening}`);
        const result = await work(async <R>(sql: string, params: unknown[]) => (await client.query(sql, params)).rows as R[]);
        await client.query("commit");
        return result;
      } catch (err) {
        // A lost connection fails this too; the transaction is then gone with it.
        await client.query("rollback").catch(() => undefined);
        throw err;
      }
    } finally {
      await pool.releaseConnection(client);
    }
  }
}
