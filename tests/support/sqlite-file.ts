import { createRequire } from "node:module";

/** The little of better-sqlite3 the tests use (the package ships no types). */
export interface SqliteStatement {
  run(...params: unknown[]): unknown;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

export interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  pragma(source: string): unknown;
  transaction<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void;
  close(): void;
}

const Database = createRequire(import.meta.url)("better-sqlite3") as new (path: string) => SqliteDatabase;

/** Opens the SQLite file behind a `sqlite:<path>` DATABASE_URL, beside the running server. */
export function openSqliteFile(url: string): SqliteDatabase {
  const db = new Database(url.replace(/^sqlite:/, ""));
  db.pragma("busy_timeout = 5000");
  return db;
}
