import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshPostgres, freshRedisPrefix, scrapeMetrics, TEST_SECRET, type TestDatabase } from "../support/databases.js";
import { graphql, TestSocket } from "../support/graphql.js";
import { RedisCluster } from "../support/redis-cluster.js";
import { type ServerProcess, startServerProcess } from "../support/server-process.js";
import { seedWorld, type World } from "../support/world.js";

const SEND = `mutation($id: ID!, $c: String!) { sendMessage(courseId: $id, content: $c) { id } }`;
const ADDED = `subscription($id: ID!, $after: ID) { messageAdded(courseId: $id, after: $after) { id } }`;
const AFTER = `query($id: ID!, $after: ID) { messages(courseId: $id, last: 100, after: $after) { id } }`;
const CREATE = `mutation($t: String!) { createCourse(title: $t) { id } }`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A master of a real Redis Cluster (three masters, one replica each) is killed while messages
 * flow through two instances into rooms on every shard; its replica takes over. Sends keep
 * succeeding in bounded time, every acknowledged send is stored, and every subscriber ends
 * with exactly the stored list of its room: what the dead shard dropped is read back by the
 * server itself once its subscriber connection to the new master is live.
 */
describe("a Redis Cluster master failing over while messages flow", () => {
  let cluster: RedisCluster;
  let db: TestDatabase;
  let world: World;
  let servers: ServerProcess[];
  const prefix = freshRedisPrefix();
  const channel = (roomId: string) => `${prefix}room:{${roomId}}`;

  beforeAll(async () => {
    [cluster, db] = await Promise.all([RedisCluster.start({ masters: 3, replicas: 1, nodeTimeoutMs: 2000 }), freshPostgres()]);
    world = await seedWorld(db.url);
    // The default send limit stays on: its counters live on the cluster too.
    const env = { DATABASE_URL: db.url, REDIS_CLUSTER_NODES: cluster.startupNodes, REDIS_PREFIX: prefix, SECRET_KEY: TEST_SECRET };
    servers = await Promise.all([startServerProcess(env), startServerProcess(env)]);
  });
  afterAll(async () => {
    await Promise.all((servers ?? []).map((s) => s.stop()));
    await cluster?.stop();
    await db?.drop();
  });

  it("loses nothing, hangs nothing, and delivers live again on the new master", async () => {
    const urls = servers.map((s) => s.url) as [string, string];
    const { roomId, tokens } = world;
    const victim = await cluster.masterOf(channel(roomId));
    // Rooms on every shard, two of them on the one that dies: the main room, which keeps
    // flowing, and a quiet one that gets a single message right after the kill.
    const rooms = [roomId];
    const owners = [victim];
    while (new Set(owners).size < 3 || owners.filter((o) => o === victim).length < 2) {
      expect(rooms.length).toBeLessThan(40);
      const id = (await graphql(urls[0], CREATE, { t: `Failover ${rooms.length}` }, tokens.teacher)).data?.["createCourse"].id as string;
      rooms.push(id);
      owners.push(await cluster.masterOf(channel(id)));
    }
    const quiet = owners.lastIndexOf(victim);
    const flowing = rooms.map((_, r) => r).filter((r) => r !== quiet);

    const starts = await Promise.all(rooms.map(async (id) => (await graphql(urls[0], SEND, { id, c: "start" }, tokens.staff)).data?.["sendMessage"].id as string));
    // Staff follows every room on both instances; alice (A) and the teacher (B) the main room.
    const staff = await Promise.all(urls.map((url) => TestSocket.connect(url, tokens.staff)));
    const watchers = staff.map((s) => rooms.map((id, r) => ({ socket: s, room: r, sub: s.subscribe(ADDED, { id, after: starts[r] }) })));
    const members = [await TestSocket.connect(urls[0], tokens.alice), await TestSocket.connect(urls[1], tokens.teacher)];
    watchers.push(members.map((s) => ({ socket: s, room: 0, sub: s.subscribe(ADDED, { id: roomId, after: starts[0] }) })));
    const all = watchers.flat();
    const received = (w: (typeof all)[number]) => w.socket.results(w.sub).map((r) => r.data.messageAdded.id as string);

    // Staff round-robin over the rooms every 40 ms, bob (limited, counted on the cluster) in
    // the main room twice a second; both alternate instances.
    let sending = true;
    const acked: string[][] = rooms.map(() => []);
    const latencies: number[] = [];
    const failures: unknown[] = [];
    const flow = (token: string, roomsToUse: number[], pauseMs: number) =>
      (async () => {
        for (let n = 0; sending; n++) {
          const r = roomsToUse[n % roomsToUse.length]!;
          const began = Date.now();
          const res = await graphql(urls[n % 2]!, SEND, { id: rooms[r], c: `flow ${n}` }, token);
          latencies.push(Date.now() - began);
          if (res.errors) failures.push(res.errors);
          else acked[r]!.push(res.data?.["sendMessage"].id);
          await sleep(pauseMs);
        }
      })();
    const flows = [flow(tokens.staff, flowing, 40), flow(tokens.bob, [0], 500)];

    await sleep(1500);
    for (const w of all.filter((x) => x.room !== quiet)) await w.socket.waitFor(() => received(w).length > 0, 5000);
    const killedAt = Date.now();
    await cluster.kill(victim);
    // Its publish meets the dead master; nothing later in that room reveals the gap.
    const lonely = await graphql(urls[0], SEND, { id: rooms[quiet], c: "right after the kill" }, tokens.staff);
    expect(lonely.errors).toBeUndefined();
    acked[quiet]!.push(lonely.data?.["sendMessage"].id);
    await cluster.waitUntilHealthy(20_000);
    const failedOverAfter = Date.now() - killedAt;
    expect(await cluster.masterOf(channel(roomId))).not.toBe(victim);
    // Traffic on the new master for a while, then every room falls quiet.
    await sleep(2000);
    sending = false;
    const hung = sleep(5000).then(() => "a send still hangs");
    expect(await Promise.race([Promise.all(flows).then(() => "done"), hung])).toBe("done");
    const metric = async (url: string, name: string) => Number(new RegExp(`^${name} (\\d+)`, "m").exec(await scrapeMetrics(url))?.[1] ?? 0);
    const publishFailures = await Promise.all(urls.map((url) => metric(url, "educa_chat_publish_failures_total")));
    console.log(`failed over after ${failedOverAfter} ms; ${latencies.length} sends, slowest ${Math.max(...latencies)} ms; publishes failed ${publishFailures.join(" + ")}`);

    expect(JSON.stringify(failures)).toBe("[]");
    expect(Math.max(...latencies)).toBeLessThan(5000);
    for (const server of servers) expect(server.logs.some((l) => l.includes("subscriber links re-established"))).toBe(true);

    const stored = await Promise.all(
      rooms.map(async (id, r) => ((await graphql(urls[0], AFTER, { id, after: starts[r] }, tokens.staff)).data?.["messages"] as { id: string }[]).map((m) => m.id)),
    );
    // Every acknowledged send is stored (and nothing else was).
    expect(stored.map((ids) => [...ids].sort())).toEqual(acked.map((ids) => [...ids].sort()));
    expect(stored[quiet]).toHaveLength(1);
    expect(stored[0]!.length).toBeLessThan(100); // one page holds the whole room
    for (const w of all) {
      await w.socket.waitFor(() => received(w).length >= stored[w.room]!.length, 15_000);
      expect(received(w)).toEqual(stored[w.room]);
    }

    // Live delivery works again on the shard that failed over, from both instances.
    for (const [from, url] of urls.entries()) {
      const id = (await graphql(url, SEND, { id: roomId, c: `after, from ${from}` }, tokens.staff)).data?.["sendMessage"].id as string;
      for (const w of all.filter((x) => x.room === 0)) await w.socket.waitFor(() => received(w).includes(id), 3000);
    }
    const backfilled = await Promise.all(urls.map((url) => metric(url, "educa_chat_backfilled_messages_total")));
    console.log(`read back from the database: ${backfilled.join(" + ")} messages`);
    await Promise.all([...staff, ...members].map((s) => s.close()));
  }, 60_000);
});
