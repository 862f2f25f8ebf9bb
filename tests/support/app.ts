import { createApp, type App } from "../../server/src/app.js";
import { loadConfig } from "../../server/src/config.js";
import { createLogger } from "../../server/src/logger.js";
import { freshSqlite, TEST_SECRET, type TestDatabase } from "./databases.js";
import { seedWorld, type World } from "./world.js";

/** The real app, in this process, on a free port. */
export async function startApp(env: Record<string, string>): Promise<App> {
  const config = loadConfig({
    NODE_ENV: "test",
    PORT: "0",
    HOST: "127.0.0.1",
    SECRET_KEY: TEST_SECRET,
    SEED_DEMO: "false",
    CLIENT_DIST: "",
    ...env,
  });
  return createApp(config, createLogger(process.env["TEST_LOG_LEVEL"] ?? "silent"));
}

/** A fresh SQLite file with the test world seeded (users, rooms, tokens), and the app on it. */
export async function startSeededApp(env: Record<string, string> = {}): Promise<{ app: App; db: TestDatabase; world: World }> {
  const db = freshSqlite();
  const world = await seedWorld(db.url);
  const app = await startApp({ DATABASE_URL: db.url, ...env });
  return { app, db, world };
}
