import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../server/src/app.js";
import { startSeededApp } from "../support/app.js";
import { freshRedisPrefix, REDIS_URL, type TestDatabase, scrapeMetrics } from "../support/databases.js";
import { TestSocket } from "../support/graphql.js";
import type { World } from "../support/world.js";

const ADDED = `subscription($id: ID!) { messageAdded(courseId: $id) { id } }`;

setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

/** Heap in use once garbage is collected (the app runs in this process). */
async function settledHeapBytes(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    collectGarbage();
    await new Promise((r) => setTimeout(r, 50));
  }
  return process.memoryUsage().heapUsed;
}

function metric(text: string, name: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(" ").at(-1)) : NaN;
}

/**
 * Subscriptions that come and go leave nothing behind: no Redis channel, no live stream, and no
 * heap growth (each subscription holds several KB of iterators, closures and listeners, so a
 * leak of any of them over 10,000 cycles would show as tens of megabytes).
 */
describe("10,000 subscribe/complete cycles", () => {
  let db: TestDatabase;
  let app: App;
  let world: World;
  let redis: Redis;
  const prefix = freshRedisPrefix();
  beforeAll(async () => {
    ({ app, db, world } = await startSeededApp({ REDIS_URL, REDIS_PREFIX: prefix }));
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    redis?.disconnect();
    await app?.stop();
    await db?.drop();
  });

  it("leaves no room channel subscribed and no subscription alive", async () => {
    const socket = await TestSocket.connect(app.url, world.tokens.alice);
    const rooms = [world.roomId];
    // Completed operations whose set-up is still in flight keep their place in the connection's
    // quota (50), so the client waits for the server to have read each batch before the next.
    const batch = 20;
    const cycle = async (count: number) => {
      for (let done = 0; done < count; done += batch) {
        const ids = Array.from({ length: batch }, () => socket.subscribe(ADDED, { id: rooms[0] }));
        ids.forEach((id) => socket.complete(id));
        await socket.settle();
      }
      await new Promise((r) => setTimeout(r, 500));
    };
    // Warm-up: caches (parsed documents, compiled code) reach their steady size first.
    await cycle(800);
    const baseline = await settledHeapBytes();
    for (let done = 0; done < 10_000; done += batch) {
      const ids = Array.from({ length: batch }, () => socket.subscribe(ADDED, { id: rooms[0] }));
      ids.forEach((id) => socket.complete(id));
      await socket.settle();
    }
    // Every cycle really ran: none was refused for the quota.
    expect(socket.frames.filter((f) => f.type === "error")).toEqual([]);
    // One more, completed only after it is certainly live, to know the queue has drained.
    const probe = socket.subscribe(ADDED, { id: rooms[0] });
    // The room's channel is there while it is followed (so its absence below means something);
    // the probe is live once the server has worked through the socket's queue.
    let followed: string[] = [];
    for (const until = Date.now() + 15_000; followed.length === 0 && Date.now() < until; ) {
      await new Promise((r) => setTimeout(r, 100));
      followed = (await redis.pubsub("CHANNELS", `${prefix}room:*`)) as string[];
    }
    expect(followed).toEqual([`${prefix}room:${rooms[0]}`]);
    socket.complete(probe);
    const deadline = Date.now() + 30_000;
    let metrics = "";
    let channels: string[] = [];
    do {
      await new Promise((r) => setTimeout(r, 250));
      metrics = await scrapeMetrics(app.url);
      channels = (await redis.pubsub("CHANNELS", `${prefix}room:*`)) as string[];
    } while ((metric(metrics, "educa_chat_subscriptions_active") !== 0 || channels.length > 0) && Date.now() < deadline);
    expect(socket.closed).toBeNull();
    expect(metric(metrics, "educa_chat_subscriptions_active")).toBe(0);
    expect(channels).toEqual([]);
    const grown = (await settledHeapBytes()) - baseline;
    console.log(`heap after 10,000 cycles: ${(grown / 2 ** 20).toFixed(1)} MB above the warm baseline`);
    expect(grown).toBeLessThan(8 * 2 ** 20);
    await socket.close();
  }, 120_000);
});
