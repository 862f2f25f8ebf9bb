import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

export const POSTGRES_ADMIN_URL = process.env["TEST_POSTGRES_URL"] ?? "postgresql://postgres@127.0.0.1:5432/postgres";
export const REDIS_URL = process.env["TEST_REDIS_URL"] ?? "redis://127.0.0.1:6379";

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A new SQLite file in its own temporary folder. */
export function freshSqlite(): TestDatabase {
  const dir = mkdtempSync(join(tmpdir(), "educa-chat-test-"));
  return {
    url: `sqlite:${join(dir, "chat.sqlite3")}`,
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A new, empty PostgreSQL database, dropped again by drop(). */
export async function freshPostgres(): Promise<TestDatabase> {
  const name = `educa_chat_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  return {
    url: POSTGRES_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`),
    drop: async () => {
      const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

/** A Redis key prefix no other test run shares. */
export function freshRedisPrefix(): string {
  return `educa-chat-test-${randomBytes(6).toString("hex")}:`;
}

export const TEST_SECRET = "test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz";

/** Every test server serves /metrics on its main port to requests bearing this (METRICS_TOKEN). */
export const TEST_METRICS_TOKEN = "test-metrics-token-0123456789";

/** Prometheus text from a test server. */
export async function scrapeMetrics(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/metrics`, { headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` } });
  if (!response.ok) throw new Error(`/metrics answered ${response.status}`);
  return response.text();
}
