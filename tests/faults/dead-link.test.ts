import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshPostgres, freshRedisPrefix, scrapeMetrics, TEST_SECRET, type TestDatabase } from "../support/databases.js";
import { ADDED, deadLinkScenario, RECONNECTED_WITHIN_MS, SEND, sleep } from "../support/dead-link.js";
import { graphql, TestSocket } from "../support/graphql.js";
import { PrivateRedis } from "../support/redis-server.js";
import { type ServerProcess, startServerProcess } from "../support/server-process.js";
import { TcpProxy } from "../support/tcp-proxy.js";
import { seedWorld, type World } from "../support/world.js";

/** Two instances over a fresh PostgreSQL and a private Redis, reached through TCP proxies. */
interface Topology {
  servers: ServerProcess[];
  /** One proxy shared by both instances, or one each. */
  proxies: TcpProxy[];
  world: World;
  stop(): Promise<void>;
}

async function behindProxies(proxyCount: 1 | 2): Promise<Topology> {
  const db: TestDatabase = await freshPostgres();
  const world = await seedWorld(db.url);
  const redis = await PrivateRedis.start();
  const proxies = await Promise.all(Array.from({ length: proxyCount }, () => TcpProxy.start(redis.port)));
  // The default send limit stays on: its counters live in Redis too, behind the same proxies.
  const env = { DATABASE_URL: db.url, REDIS_PREFIX: freshRedisPrefix(), SECRET_KEY: TEST_SECRET };
  const servers = await Promise.all([0, 1].map((i) => startServerProcess({ ...env, REDIS_URL: proxies[i % proxyCount]!.url })));
  return {
    servers,
    proxies,
    world,
    async stop() {
      await Promise.all(servers.map((s) => s.stop()));
      await Promise.all(proxies.map((p) => p.close()));
      await redis.down();
      await db.drop();
    },
  };
}

/**
 * Every Redis connection of both instances goes dead without a word (a proxy stops forwarding,
 * sockets stay open: no error, no close, nothing for a client library to react to), while
 * messages flow. Sends keep succeeding in bounded time; each instance's heartbeat notices,
 * reconnects and backfills, and live delivery works again afterwards.
 */
describe("a pub/sub link that silently stops delivering", () => {
  let topology: Topology;
  beforeAll(async () => {
    topology = await behindProxies(1);
  });
  afterAll(() => topology?.stop());

  it("is noticed, reconnected and backfilled; sends never hang", async () => {
    const { servers, proxies: [proxy], world } = topology;
    // Publisher and subscriber connections of both instances (and any limiter connection).
    await deadLinkScenario({ servers, world, blackHole: () => proxy!.blackHole(), minDeadConnections: 4, reestablishedLog: "subscriber link re-established" });
  }, 55_000);
});

/**
 * Only one instance's link dies; the other's stays healthy, so its subscribers have no
 * reconnect to backfill on. A message stored on the dead side just before the room falls
 * silent must still reach them live: the bus publishes it again once its link is back.
 */
describe("a publish lost on one instance's dead link, then silence", () => {
  let topology: Topology;
  beforeAll(async () => {
    topology = await behindProxies(2);
  });
  afterAll(() => topology?.stop());

  it("is delivered live to the healthy instance once the link is back, without a later message", async () => {
    const { servers, proxies, world } = topology;
    const [dying, healthy] = servers.map((s) => s.url) as [string, string];
    const { roomId, tokens } = world;
    const send = async (content: string) => (await graphql(dying, SEND, { id: roomId, c: content }, tokens.staff)).data?.["sendMessage"].id as string;
    const start = await send("before");
    const watcher = await TestSocket.connect(healthy, tokens.alice);
    const sub = watcher.subscribe(ADDED, { id: roomId, after: start });
    const received = () => watcher.results(sub).map((r) => r.data.messageAdded.id as string);
    const live = await send("live, before the fault");
    await watcher.waitFor(() => received().includes(live), 5000);

    // The path goes dead, then refuses connections for a while: the publish fails (counted),
    // and reaches the other instance only once the link is back (the Redis client resends a
    // command it still holds; the bus republishes one it gave up on).
    expect(proxies[0]!.blackHole()).toBeGreaterThanOrEqual(2);
    proxies[0]!.refusing = true;
    const began = Date.now();
    const lost = await send("stored while the link is dead, then the room falls silent");
    expect(lost).toBeDefined();
    expect(Date.now() - began).toBeLessThan(3000);
    expect(Number(/^educa_chat_publish_failures_total (\d+)/m.exec(await scrapeMetrics(dying))?.[1])).toBe(1);
    await sleep(6000);
    expect(received()).toEqual([live]);
    proxies[0]!.refusing = false;

    // No further message: only the republish can bring it.
    await watcher.waitFor(() => received().includes(lost), RECONNECTED_WITHIN_MS);
    expect(received()).toEqual([live, lost]);
    await watcher.close();
  }, 45_000);
});
