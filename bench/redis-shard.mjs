// `run.mjs redis-shard`: what one Redis Cluster shard carries for the room fan-out, on a local
// three-master cluster.
// 1. Through Educa Chat: two instances (PostgreSQL), many rooms with one subscriber on each
//    instance, sends spread over both: reach, and per shard the rooms it owns, the messages it
//    took and its CPU per message (idle cost subtracted). The servers here send far too little
//    to load a shard, so this shows the spread, not the capacity.
// 2. The server's own bus, driven by 2 and 8 stand-in instances publishing as fast as they can
//    to one shard's rooms: the shard's CPU per message as the servers publish.
// 3. That shard alone under redis-benchmark, pipelined and one command per round trip, to 2 and
//    8 subscribers: the same figure near saturation.
import { fork } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { saturateShard, shardCounters, startCluster } from "./redis-cluster.mjs";

const IDLE_SECONDS = 3;

/**
 * `instances` stand-in instances (bench/bus-load.mjs: the server's own bus), all following
 * every room of one shard and all publishing to them as fast as they can (128 publishes in
 * flight between them): the shard's messages, CPU and CPU per message over `seconds`, and what
 * each instance received.
 */
async function busLoad({ cluster, node, rooms, prefix, instances = 2, seconds = 5 }) {
  const inflight = Math.round(128 / instances);
  const children = Array.from({ length: instances }, () => fork(new URL("./bus-load.mjs", import.meta.url).pathname, [], { stdio: ["ignore", "inherit", "inherit", "ipc"] }));
  const next = (child) => new Promise((resolve) => child.once("message", resolve));
  const ready = children.map(next);
  for (const child of children) child.send({ nodes: cluster.startupNodes.split(",").map((a) => ({ host: "127.0.0.1", port: Number(a.split(":")[1]) })), prefix, rooms: rooms.map(Number), inflight, seconds });
  await Promise.all(ready);
  const reports = children.map(next);
  const before = (await shardCounters(cluster)).find((s) => s.port === node.port);
  const t0 = performance.now();
  for (const child of children) child.send({ go: true });
  const done = await Promise.all(reports);
  const after = (await shardCounters(cluster)).find((s) => s.port === node.port);
  const elapsed = (performance.now() - t0) / 1000;
  const messages = after.spublish - before.spublish;
  const cpu = after.cpu - before.cpu;
  return {
    rooms: rooms.length, instances, inflightPerInstance: inflight,
    messagesPerSecond: Math.round(messages / elapsed), shardCpuShare: +(cpu / elapsed).toFixed(2),
    shardCpuMicrosecondsPerMessage: +((cpu * 1e6) / messages).toFixed(2),
    published: done.map((d) => d.published), failed: done.map((d) => d.failed), received: done.map((d) => d.received),
  };
}

export async function redisShard({ runEduca, record, opt, num, duration, tag }) {
  const p = { rooms: num(opt.rooms, 300), subscribers: 2, rate: num(opt.rate, 300) };
  const cluster = await startCluster(3);
  try {
    for (let k = 0; k < num(opt.repeat, 1); k++) {
      const prefix = `bench${tag}_${k}:`;
      const channel = (courseId) => `${prefix}room:{${courseId}}`;
      let roomsOn = new Map();
      let idle, before, after, windowStart, windowEnd;
      const hooks = {
        seeded: (seeded) => {
          roomsOn = new Map(cluster.nodes.map((n) => [n.port, []]));
          for (const r of seeded) roomsOn.get(cluster.shardOf(channel(r.courseId)).port).push(r.courseId);
        },
        // Subscribed and warm, nothing sent yet: the shards' idle cost (heartbeats, cron).
        ready: async () => {
          const a = await shardCounters(cluster);
          await sleep(IDLE_SECONDS * 1000);
          before = await shardCounters(cluster);
          idle = before.map((s, i) => (s.cpu - a[i].cpu) / IDLE_SECONDS);
          windowStart = performance.now();
        },
        drained: async () => {
          after = await shardCounters(cluster);
          windowEnd = performance.now();
        },
      };
      const r = await runEduca({
        mode: "broadcast", db: "pg", instances: 2, ...p, spreadSenders: true, hooks,
        redisEnv: { REDIS_CLUSTER_NODES: cluster.startupNodes, REDIS_PREFIX: prefix },
      });
      const seconds = (windowEnd - windowStart) / 1000;
      r.shards = after.map((s, i) => {
        const messages = s.spublish - before[i].spublish;
        const busy = Math.max(0, s.cpu - before[i].cpu - idle[i] * seconds);
        const us = messages ? (busy * 1e6) / messages : null;
        return {
          port: s.port, rooms: roomsOn.get(s.port).length, messages, cpuSeconds: +(s.cpu - before[i].cpu).toFixed(3),
          idleCpuShare: +idle[i].toFixed(4), cpuMicrosecondsPerMessage: us && +us.toFixed(1),
          messagesPerSecondAtOneCore: us && Math.round(1e6 / us), bytesPerPublish: messages && Math.round((s.netIn - before[i].netIn) / messages),
        };
      });
      record("redis-shard educa", { ...p, duration }, r);
      for (const s of r.shards) {
        console.log(`  shard :${s.port} ${s.rooms} rooms, ${s.messages} messages, ${s.cpuSeconds} CPU-s (idle ${s.idleCpuShare} core) → ${s.cpuMicrosecondsPerMessage} CPU-µs per message → ${s.messagesPerSecondAtOneCore} msg/s at one core`);
      }

      // The busiest shard under the bus itself, as fast as 2, then 8, stand-in instances publish.
      const busiest = cluster.nodes.reduce((a, b) => (roomsOn.get(b.port).length > roomsOn.get(a.port).length ? b : a));
      r.bus = [];
      for (const instances of [2, 8]) {
        const b = await busLoad({ cluster, node: busiest, rooms: roomsOn.get(busiest.port), prefix: `${prefix}bus${instances}:`, instances });
        r.bus.push(b);
        console.log(`  bus load :${busiest.port}, ${b.rooms} rooms, ${instances} instances × ${b.inflightPerInstance} in flight: ${b.messagesPerSecond} msg/s, shard at ${b.shardCpuShare} core → ${b.shardCpuMicrosecondsPerMessage} CPU-µs per message → ${Math.round(1e6 / b.shardCpuMicrosecondsPerMessage)} msg/s at one core (published ${b.published.join("+")}, failed ${b.failed.join("+")}, received ${b.received.join("+")})`);
      }

      // The busiest shard alone, near saturation, with a payload of the size just measured:
      // pipelined (the best case) and one command per round trip from 50 connections (the
      // worst), each to 2 and to 8 subscribed instances.
      const node = busiest;
      const room = channel(roomsOn.get(node.port)[0]);
      const bytes = r.shards.find((s) => s.port === node.port).bytesPerPublish;
      r.saturated = [];
      for (const [clients, pipeline] of [[4, 32], [50, 1]]) {
        for (const subscribers of [2, 8]) {
          const sat = await saturateShard({ node, channel: room, payloadBytes: Math.max(100, bytes - room.length - 40), subscribers, clients, pipeline, seconds: 5 });
          r.saturated.push(sat);
          console.log(`  saturated :${node.port}, ${clients} publishers × pipeline ${pipeline}, ${subscribers} subscribers: ${sat.messagesPerSecond} msg/s (each subscriber got ${sat.deliveredShare} of them in the window, ${sat.subscribersCutOff} cut off), shard at ${sat.shardCpuShare} core → ${sat.shardCpuMicrosecondsPerMessage} CPU-µs per message → ${Math.round(1e6 / sat.shardCpuMicrosecondsPerMessage)} msg/s at one core (driver ${sat.driverCpuShare} core)`);
        }
      }
    }
  } finally {
    await cluster.stop();
  }
}
