import { startApp } from "./app.js";
import { freshPostgres, freshRedisPrefix, freshSqlite, REDIS_URL, TEST_SECRET } from "./databases.js";
import { startServerProcess } from "./server-process.js";
import { seedWorld, type World } from "./world.js";

/** A running deployment: one or more server URLs over one database. */
export interface Topology {
  name: string;
  /** urls[0] and urls[1] are different instances when the topology has two. */
  urls: [string, string];
  databaseUrl: string;
  world: World;
  /** Each server process's log lines (empty for an in-process app). */
  logs: string[][];
  stop(): Promise<void>;
}

export type TopologyKind = "sqlite, one instance" | "postgresql + redis, two processes";

export async function startTopology(kind: TopologyKind, env: Record<string, string> = {}): Promise<Topology> {
  if (kind === "sqlite, one instance") {
    const db = freshSqlite();
    const world = await seedWorld(db.url);
    const app = await startApp({ DATABASE_URL: db.url, ...env });
    return {
      name: kind,
      urls: [app.url, app.url],
      databaseUrl: db.url,
      world,
      logs: [],
      stop: async () => {
        await app.stop();
        await db.drop();
      },
    };
  }
  const db = await freshPostgres();
  const world = await seedWorld(db.url);
  const shared = {
    DATABASE_URL: db.url,
    REDIS_URL,
    REDIS_PREFIX: freshRedisPrefix(),
    SECRET_KEY: TEST_SECRET,
    MIGRATE_ON_START: "false",
    SEED_DEMO: "false",
    ...env,
  };
  const [a, b] = await Promise.all([startServerProcess(shared), startServerProcess(shared)]);
  return {
    name: kind,
    urls: [a.url, b.url],
    databaseUrl: db.url,
    world,
    logs: [a.logs, b.logs],
    stop: async () => {
      await Promise.all([a.stop(), b.stop()]);
      await db.drop();
    },
  };
}
