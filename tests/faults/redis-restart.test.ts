import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshPostgres, freshRedisPrefix, TEST_SECRET, type TestDatabase } from "../support/databases.js";
import { graphql, TestSocket } from "../support/graphql.js";
import { PrivateRedis } from "../support/redis-server.js";
import { type ServerProcess, startServerProcess } from "../support/server-process.js";
import { seedWorld, type World } from "../support/world.js";

const SEND = `mutation($id: ID!, $c: String!) { sendMessage(courseId: $id, content: $c) { id } }`;
const ADDED = `subscription($id: ID!, $after: ID) { messageAdded(courseId: $id, after: $after) { id content } }`;
const AFTER = `query($id: ID!, $after: ID) { messages(courseId: $id, last: 100, after: $after) { id } }`;

/**
 * Redis goes away for real while messages flow through two instances: sends keep succeeding
 * (stored) without hanging, readiness follows Redis, and every open subscription ends with the
 * complete stored list — the server backfills what pub/sub dropped, not the client.
 */
describe("a Redis outage while messages flow", () => {
  let db: TestDatabase;
  let redis: PrivateRedis;
  let servers: ServerProcess[];
  let world: World;

  beforeAll(async () => {
    db = await freshPostgres();
    world = await seedWorld(db.url);
    redis = await PrivateRedis.start();
    const env = { DATABASE_URL: db.url, REDIS_URL: redis.url, REDIS_PREFIX: freshRedisPrefix(), SECRET_KEY: TEST_SECRET, SEND_RATE_LIMIT: "off" };
    servers = await Promise.all([startServerProcess(env), startServerProcess(env)]);
  });
  afterAll(async () => {
    await Promise.all((servers ?? []).map((s) => s.stop()));
    await redis?.down();
    await db?.drop();
  });

  it("loses nothing and recovers by itself", async () => {
    const [a, b] = servers.map((s) => s.url) as [string, string];
    const { roomId, tokens } = world;
    const first = await graphql(a, SEND, { id: roomId, c: "before the outage" }, tokens.staff);
    const start = first.data?.["sendMessage"].id as string;
    const subscribers = await Promise.all([TestSocket.connect(a, tokens.alice), TestSocket.connect(b, tokens.teacher)]);
    const subs = subscribers.map((s) => s.subscribe(ADDED, { id: roomId, after: start }));

    let sending = true;
    let n = 0;
    const slowest: number[] = [];
    const failures: unknown[] = [];
    const flow = (async () => {
      while (sending) {
        const began = Date.now();
        const res = await graphql(n % 2 ? a : b, SEND, { id: roomId, c: `flow ${n++}` }, tokens.bob);
        slowest.push(Date.now() - began);
        if (res.errors) failures.push(res.errors);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();

    await new Promise((r) => setTimeout(r, 1000));
    await redis.down();
    await new Promise((r) => setTimeout(r, 2500));
    for (const url of [a, b]) expect((await fetch(`${url}/readyz`)).status).toBe(503);
    await new Promise((r) => setTimeout(r, 7500));
    // The room falls quiet before Redis returns: no later message will reveal the gap, so
    // only the server's own backfill after reconnecting can deliver what was sent meanwhile.
    sending = false;
    await flow;
    await redis.up();
    const back = Date.now();
    for (const url of [a, b]) {
      while ((await fetch(`${url}/readyz`)).status !== 200) {
        expect(Date.now() - back).toBeLessThan(5000);
        await new Promise((r) => setTimeout(r, 200));
      }
    }

    expect(failures).toEqual([]);
    expect(Math.max(...slowest)).toBeLessThan(3000);
    const stored = (await graphql(a, AFTER, { id: roomId, after: start }, tokens.teacher)).data?.["messages"].map((m: { id: string }) => m.id);
    expect(stored.length).toBe(n);
    for (const [i, s] of subscribers.entries()) {
      await s.waitFor(() => s.results(subs[i]!).some((r) => r.data?.messageAdded?.id === stored.at(-1)), 10_000);
      expect(s.results(subs[i]!).map((r) => r.data.messageAdded.id)).toEqual(stored);
      await s.close();
    }
    // And the link works again for what comes next.
    const next = (await graphql(b, SEND, { id: roomId, c: "after the outage" }, tokens.staff)).data?.["sendMessage"].id;
    const again = await TestSocket.connect(a, tokens.alice);
    const sub = again.subscribe(ADDED, { id: roomId, after: stored.at(-1) });
    await again.waitFor(() => again.results(sub).some((r) => r.data?.messageAdded?.id === next));
    await again.close();
  }, 60_000);

  it("resubscribes by itself after its pub/sub link is killed (CLIENT KILL TYPE pubsub)", async () => {
    const [a, b] = servers.map((s) => s.url) as [string, string];
    const { roomId, tokens } = world;
    const start = (await graphql(a, SEND, { id: roomId, c: "before the kill" }, tokens.staff)).data?.["sendMessage"].id as string;
    const subscriber = await TestSocket.connect(a, tokens.alice);
    const sub = subscriber.subscribe(ADDED, { id: roomId, after: start });
    const admin = new Redis(redis.url);
    try {
      await admin.client("KILL", "TYPE", "pubsub");
    } finally {
      admin.disconnect();
    }
    // Sent through the other instance right after the kill; then the room falls quiet. It
    // arrives whether A's link was already back (resubscribed) or not yet (backfilled).
    const lost = (await graphql(b, SEND, { id: roomId, c: "right after the kill" }, tokens.staff)).data?.["sendMessage"].id;
    await subscriber.waitFor(() => subscriber.results(sub).some((r) => r.data?.messageAdded?.id === lost), 15_000);
    expect(subscriber.results(sub).map((r) => r.data.messageAdded.id)).toEqual([lost]);
    await subscriber.close();
  }, 30_000);
});
