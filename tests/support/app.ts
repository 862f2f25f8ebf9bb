import { Writable } from "node:stream";
import { afterAll, beforeAll } from "vitest";
import { pino, type Logger } from "pino";
import { createApp, type App } from "../../server/src/app.js";
import { loadConfig } from "../../server/src/config.js";
import { createLogger } from "../../server/src/logger.js";
import { freshPostgres, freshSqlite, TEST_METRICS_TOKEN, TEST_SECRET, type TestDatabase } from "./databases.js";
import { seedWorld, type World } from "./world.js";

/** The real app, in this process, on a free port. */
export async function startApp(env: Record<string, string>, logger?: Logger): Promise<App> {
  const config = loadConfig({
    NODE_ENV: "test",
    PORT: "0",
    HOST: "127.0.0.1",
    SECRET_KEY: TEST_SECRET,
    METRICS_TOKEN: TEST_METRICS_TOKEN,
    SEED_DEMO: "false",
    CLIENT_DIST: "",
    ...env,
  });
  return createApp(config, logger ?? createLogger(process.env["TEST_LOG_LEVEL"] ?? "silent"));
}

/** A logger that keeps every line it writes, for tests that check what the server logged. */
export function recordingLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of String(chunk).split("\n")) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: "info" }, sink), lines };
}

/** A fresh SQLite file with the test world seeded (users, rooms, tokens), and the app on it. */
export async function startSeededApp(env: Record<string, string> = {}, logger?: Logger): Promise<{ app: App; db: TestDatabase; world: World }> {
  const db = freshSqlite();
  const world = await seedWorld(db.url);
  const app = await startApp({ DATABASE_URL: db.url, ...env }, logger);
  return { app, db, world };
}

export interface SeededApp {
  app: App;
  db: TestDatabase;
  world: World;
}

/**
 * startSeededApp for the enclosing describe: started before its tests, stopped and dropped
 * after them. The fields are set once the suite has started.
 */
export function seededAppForSuite(env: Record<string, string> = {}, logger?: Logger): SeededApp {
  const suite = {} as SeededApp;
  beforeAll(async () => {
    Object.assign(suite, await startSeededApp(env, logger));
  });
  afterAll(async () => {
    await suite.app?.stop();
    await suite.db?.drop();
  });
  return suite;
}

/**
 * Starts apps on fresh seeded databases of either kind for the calling file; every one is
 * stopped and its database dropped after the file's tests.
 */
export function seededApps(): (kind: "sqlite" | "postgresql", env?: Record<string, string>) => Promise<SeededApp> {
  const started: SeededApp[] = [];
  afterAll(async () => {
    for (const { app, db } of started.splice(0)) {
      await app.stop();
      await db.drop();
    }
  });
  return async (kind, env = {}) => {
    const db = kind === "sqlite" ? freshSqlite() : await freshPostgres();
    const world = await seedWorld(db.url);
    const app = await startApp({ DATABASE_URL: db.url, ...env });
    const seeded = { app, db, world };
    started.push(seeded);
    return seeded;
  };
}
