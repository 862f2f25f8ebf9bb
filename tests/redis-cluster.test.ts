import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../server/src/config.js";
import { freshPostgres, freshRedisPrefix, TEST_SECRET, type TestDatabase } from "./support/databases.js";
import { codes, graphql, TestSocket } from "./support/graphql.js";
import { RedisCluster } from "./support/redis-cluster.js";
import { type ServerProcess, startServerProcess } from "./support/server-process.js";
import { seedWorld, type World } from "./support/world.js";

const SEND = `mutation($id: ID!, $c: String!) { sendMessage(courseId: $id, content: $c) { id } }`;
const ADDED = `subscription($id: ID!, $after: ID) { messageAdded(courseId: $id, after: $after) { id content } }`;
const CREATE = `mutation($t: String!) { createCourse(title: $t) { id } }`;

const problems = (env: Record<string, string>) => {
  try {
    loadConfig({ DATABASE_URL: "sqlite::memory:", ...env });
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
};

describe("REDIS_CLUSTER_NODES", () => {
  it("takes host:port pairs, IPv6 in brackets", () => {
    const config = loadConfig({ DATABASE_URL: "sqlite::memory:", REDIS_CLUSTER_NODES: "10.0.0.1:7000, redis-b:7001,[::1]:7002" });
    expect(config.redisClusterNodes).toEqual([
      { host: "10.0.0.1", port: 7000 },
      { host: "redis-b", port: 7001 },
      { host: "::1", port: 7002 },
    ]);
    expect(config.redisUrl).toBeUndefined();
  });

  it("refuses malformed nodes, REDIS_URL beside it and a braced prefix, with every other bad variable", () => {
    for (const bad of ["redis://a:7000", "a", "a:0", "a:70000", "a:7000,", ":7000"]) {
      expect(problems({ REDIS_CLUSTER_NODES: bad }).join()).toContain("REDIS_CLUSTER_NODES");
    }
    const listed = problems({ REDIS_CLUSTER_NODES: "a:7000", REDIS_URL: "redis://b:6379", REDIS_PREFIX: "app{1}:", PORT: "http" });
    expect(listed.map((p) => p.split(":")[0]).sort()).toEqual(["PORT", "REDIS_CLUSTER_NODES", "REDIS_PREFIX"]);
  });
});

/**
 * Two server processes on a real three-master Redis Cluster: every room's channel is a
 * sharded channel on the one master that owns its slot, and that is all it takes for
 * fan-out, resume and shared rate limits to work as on one Redis.
 */
describe("on a Redis Cluster (sharded pub/sub)", () => {
  let cluster: RedisCluster;
  let db: TestDatabase;
  let world: World;
  let servers: ServerProcess[];
  let urls: [string, string];
  const prefix = freshRedisPrefix();
  const channel = (roomId: string) => `${prefix}room:{${roomId}}`;
  const sendAs = async (url: string, token: string, roomId: string, content: string) => {
    const res = await graphql(url, SEND, { id: roomId, c: content }, token);
    expect(res.errors).toBeUndefined();
    return res.data?.["sendMessage"].id as string;
  };

  beforeAll(async () => {
    [cluster, db] = await Promise.all([RedisCluster.start({ masters: 3 }), freshPostgres()]);
    world = await seedWorld(db.url);
    const env = { DATABASE_URL: db.url, REDIS_CLUSTER_NODES: cluster.startupNodes, REDIS_PREFIX: prefix, SECRET_KEY: TEST_SECRET, SEND_RATE_LIMIT: "5/60s" };
    servers = await Promise.all([startServerProcess(env), startServerProcess(env)]);
    urls = servers.map((s) => s.url) as [string, string];
  });
  afterAll(async () => {
    await Promise.all((servers ?? []).map((s) => s.stop()));
    await cluster?.stop();
    await db?.drop();
  });

  it("delivers across instances, the room's channel subscribed on its own shard only", async () => {
    const { roomId, tokens } = world;
    const start = await sendAs(urls[0], tokens.staff, roomId, "before");
    const subscribers = await Promise.all([TestSocket.connect(urls[0], tokens.alice), TestSocket.connect(urls[1], tokens.teacher)]);
    const subs = subscribers.map((s) => s.subscribe(ADDED, { id: roomId, after: start }));
    const sent = [await sendAs(urls[0], tokens.staff, roomId, "from A"), await sendAs(urls[1], tokens.staff, roomId, "from B")];
    for (const [i, s] of subscribers.entries()) {
      await s.waitFor(() => s.results(subs[i]!).length === 2);
      expect(s.results(subs[i]!).map((r) => r.data.messageAdded.id)).toEqual(sent);
    }

    const owner = await cluster.masterOf(channel(roomId));
    for (const { port } of await cluster.masters()) {
      const [, sharded] = (await cluster.admin(port).call("PUBSUB", "SHARDNUMSUB", channel(roomId))) as [string, number];
      expect(sharded).toBe(port === owner ? 2 : 0); // one subscription per instance, nowhere else
      const [, classic] = (await cluster.admin(port).call("PUBSUB", "NUMSUB", channel(roomId))) as [string, number];
      expect(classic).toBe(0);
    }
    await Promise.all(subscribers.map((s) => s.close()));
  });

  it("resumes from a cursor: exactly what was missed, then live", async () => {
    const { roomId, tokens } = world;
    const cursor = await sendAs(urls[0], tokens.staff, roomId, "seen");
    const missed = [await sendAs(urls[0], tokens.staff, roomId, "missed 1"), await sendAs(urls[1], tokens.staff, roomId, "missed 2")];
    const socket = await TestSocket.connect(urls[1], tokens.alice);
    const sub = socket.subscribe(ADDED, { id: roomId, after: cursor });
    await socket.waitFor(() => socket.results(sub).length === 2);
    const live = await sendAs(urls[0], tokens.staff, roomId, "live");
    await socket.waitFor(() => socket.results(sub).length === 3);
    expect(socket.results(sub).map((r) => r.data.messageAdded.id)).toEqual([...missed, live]);
    await socket.close();
  });

  it("spreads rooms over the shards, one subscriber connection per shard and instance, none left after", async () => {
    const { tokens } = world;
    const rooms: string[] = [];
    for (let i = 0; i < 30; i++) rooms.push((await graphql(urls[0], CREATE, { t: `Shard spread ${i}` }, tokens.teacher)).data?.["createCourse"].id);
    // Staff may follow every room: one socket per instance, one subscription per room.
    const sockets = await Promise.all(urls.map((url) => TestSocket.connect(url, tokens.staff)));
    const subs = sockets.map((s) => rooms.map((id) => s.subscribe(ADDED, { id })));
    // Subscriptions without a cursor are live once a message sent afterwards arrives.
    const arrived = (k: number) => rooms.every((_, r) => sockets[k]!.results(subs[k]![r]!).length > 0);
    for (let round = 0; !(arrived(0) && arrived(1)); round++) {
      expect(round).toBeLessThan(20);
      await Promise.all(rooms.map((id, r) => sendAs(urls[r % 2]!, tokens.staff, id, `round ${round}`)));
      await Promise.all(sockets.map((s, k) => s.waitFor(() => arrived(k), 1000).catch(() => undefined)));
    }

    const perShard: number[] = [];
    for (const { port } of await cluster.masters()) {
      const admin = cluster.admin(port);
      const counts = (await admin.call("PUBSUB", "SHARDNUMSUB", ...rooms.map(channel))) as (string | number)[];
      const here = rooms.filter((_, r) => Number(counts[2 * r + 1]) > 0);
      for (const id of here) expect(await cluster.masterOf(channel(id))).toBe(port);
      for (const [r] of rooms.entries()) expect([0, 2]).toContain(Number(counts[2 * r + 1]));
      perShard.push(here.length);
      // Every room on this shard, both instances: two subscriber connections, not one per room.
      const clients = ((await admin.call("CLIENT", "LIST", "TYPE", "pubsub")) as string).trim().split("\n");
      expect(clients.filter((c) => c.includes("ssubscriber"))).toHaveLength(2);
    }
    console.log(`30 rooms over the shards: ${perShard.join(" / ")}`);
    expect(perShard).toHaveLength(3);
    expect(perShard.reduce((a, b) => a + b, 0)).toBe(rooms.length);
    expect(Math.min(...perShard)).toBeGreaterThan(0);

    // Once nobody follows them, no shard keeps a room's channel subscribed.
    await Promise.all(sockets.map((s) => s.close()));
    const subscribed = async () => {
      let n = 0;
      for (const { port } of await cluster.masters()) {
        const counts = (await cluster.admin(port).call("PUBSUB", "SHARDNUMSUB", ...rooms.map(channel))) as (string | number)[];
        n += counts.filter((_, i) => i % 2 === 1).reduce((a: number, c) => a + Number(c), 0);
      }
      return n;
    };
    for (let tries = 0; (await subscribed()) > 0; tries++) {
      expect(tries).toBeLessThan(50);
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  it("shares send limits across instances through the cluster", async () => {
    const { roomId, tokens, userIds } = world;
    const results = [];
    for (let n = 0; n < 7; n++) results.push(await graphql(urls[n % 2]!, SEND, { id: roomId, c: `bob ${n}` }, tokens.bob));
    expect(results.slice(0, 5).every((r) => r.errors === undefined)).toBe(true);
    for (const r of results.slice(5)) expect(codes(r)).toEqual(["RATE_LIMITED"]);
    // The count lives on the shard that owns its key.
    const key = `${prefix}send-rate:${userIds.bob}:${roomId}`;
    expect(Number(await cluster.admin(await cluster.masterOf(key)).get(key))).toBeGreaterThanOrEqual(6);
  });
});
