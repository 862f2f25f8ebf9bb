import { afterAll, beforeAll, describe, it } from "vitest";
import { freshPostgres, freshRedisPrefix, TEST_SECRET, type TestDatabase } from "../support/databases.js";
import { deadLinkScenario } from "../support/dead-link.js";
import { RedisCluster } from "../support/redis-cluster.js";
import { type ServerProcess, startServerProcess } from "../support/server-process.js";
import { seedWorld, type World } from "../support/world.js";

/**
 * Every connection of both instances to every cluster node goes dead without a word (the
 * nodes are reached through TCP proxies that stop forwarding; sockets stay open) while
 * messages flow. Sends keep succeeding in bounded time; each instance finds its dead shard
 * connections, reconnects, and reads back what it missed; live delivery works afterwards.
 */
describe("Redis Cluster links that silently stop delivering", () => {
  let cluster: RedisCluster;
  let db: TestDatabase;
  let world: World;
  let servers: ServerProcess[];

  beforeAll(async () => {
    [cluster, db] = await Promise.all([RedisCluster.start({ masters: 3, proxied: true }), freshPostgres()]);
    world = await seedWorld(db.url);
    // The default send limit stays on: its counters are behind the same proxies.
    const env = { DATABASE_URL: db.url, REDIS_CLUSTER_NODES: cluster.startupNodes, REDIS_PREFIX: freshRedisPrefix(), SECRET_KEY: TEST_SECRET };
    servers = await Promise.all([startServerProcess(env), startServerProcess(env)]);
  });
  afterAll(async () => {
    await Promise.all((servers ?? []).map((s) => s.stop()));
    await cluster?.stop();
    await db?.drop();
  });

  it("are noticed, reconnected and backfilled; sends never hang", async () => {
    // Each instance's publisher and shard subscriber connections, on every node.
    await deadLinkScenario({ servers, world, blackHole: () => cluster.proxies.reduce((n, p) => n + p.blackHole(), 0), minDeadConnections: 6 });
  }, 60_000);
});
