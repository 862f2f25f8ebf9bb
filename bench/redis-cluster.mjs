// A local Redis Cluster for `run.mjs redis-shard` (the tests have their own in
// tests/support/redis-cluster.ts), what the scenario reads from its shards, and a driver that
// loads one shard directly, past what the Educa Chat servers on this machine can send it.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Command, Redis } from "ioredis";
import { freePort, procStats } from "./procs.mjs";

export const slotOf = (name) => new Command("spublish", [name]).getSlot();

function run(cmd, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (out += c));
    child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} failed:\n${out}`))));
  });
}

/** Three masters (no replicas: the bench measures throughput, not failover) on free ports. */
export async function startCluster(masters = 3) {
  const nodes = [];
  for (let i = 0; i < masters; i++) {
    const [port, busPort] = [await freePort(), await freePort()];
    const dir = mkdtempSync(join(tmpdir(), "educa-bench-cluster-"));
    const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no",
      "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-port", String(busPort)], { stdio: ["ignore", "pipe", "inherit"] });
    await new Promise((resolve, reject) => {
      child.stdout.on("data", (c) => c.toString().includes("Ready to accept connections") && resolve());
      child.once("exit", (code) => reject(new Error(`redis-server exited with ${code}`)));
    });
    nodes.push({ port, dir, child, admin: new Redis({ port, host: "127.0.0.1", lazyConnect: true }) });
  }
  await run("redis-cli", ["--cluster", "create", ...nodes.map((n) => `127.0.0.1:${n.port}`), "--cluster-replicas", "0", "--cluster-yes"]);
  for (const n of nodes) while (!(await n.admin.call("CLUSTER", "INFO")).includes("cluster_state:ok")) await sleep(200);
  const ranges = await nodes[0].admin.call("CLUSTER", "SLOTS");
  for (const n of nodes) n.slots = ranges.filter((r) => Number(r[2][1]) === n.port).map(([a, b]) => [a, b]);
  return {
    nodes,
    startupNodes: nodes.map((n) => `127.0.0.1:${n.port}`).join(","),
    shardOf: (name) => nodes.find((n) => n.slots.some(([a, b]) => slotOf(name) >= a && slotOf(name) <= b)),
    async stop() {
      for (const n of nodes) {
        n.admin.disconnect();
        n.child.kill("SIGKILL");
        rmSync(n.dir, { recursive: true, force: true });
      }
    },
  };
}

/** CPU seconds of a shard's process, to the microsecond (Redis's own getrusage, in INFO cpu). */
export async function shardCpu(node) {
  const info = await node.admin.info("cpu");
  return Number(/used_cpu_sys:([\d.]+)/.exec(info)[1]) + Number(/used_cpu_user:([\d.]+)/.exec(info)[1]);
}

async function spublishCalls(node) {
  return Number(/cmdstat_spublish:calls=(\d+)/.exec(await node.admin.info("commandstats"))?.[1] ?? 0);
}

/** Per shard, now: CPU seconds, SPUBLISH calls served, bytes read. */
export async function shardCounters(cluster) {
  return Promise.all(
    cluster.nodes.map(async (n) => {
      const info = (await n.admin.info("commandstats")) + (await n.admin.info("stats"));
      const spublish = Number(/cmdstat_spublish:calls=(\d+)/.exec(info)?.[1] ?? 0);
      return { port: n.port, cpu: await shardCpu(n), spublish, netIn: Number(/total_net_input_bytes:(\d+)/.exec(info)?.[1] ?? 0) };
    }),
  );
}

/**
 * Loads one shard past what this machine's servers can send it: `redis-benchmark` sends
 * SPUBLISH of a message-sized payload to one room channel from `clients` connections, `pipeline`
 * commands at a time (1: every command its own round trip, as from many lightly loaded
 * instances), and `subscribers` raw connections (standing for as many instances' shard
 * connections) are subscribed to it and only count the bytes they receive. Measures `seconds`
 * after a one-second warm-up: messages delivered per subscriber per second, and the shard's CPU
 * over the same window.
 */
export async function saturateShard({ node, channel, payloadBytes, subscribers = 2, clients = 4, pipeline = 32, seconds = 5 }) {
  const payload = JSON.stringify({ kind: "added", id: "123456", courseId: "42", content: "", sentOn: new Date().toISOString(), user: { id: "9876", username: "student9876", role: "STUDENT" }, previousId: "123455" });
  const body = payload.replace('"content":""', `"content":"${"x".repeat(Math.max(0, payloadBytes - payload.length))}"`);
  const frame = `*3\r\n$8\r\nsmessage\r\n$${Buffer.byteLength(channel)}\r\n${channel}\r\n$${Buffer.byteLength(body)}\r\n${body}\r\n`.length;
  const bytes = Array(subscribers).fill(0);
  let cutOff = 0;
  const sockets = bytes.map((_, i) => {
    const s = net.connect(node.port, "127.0.0.1");
    s.on("data", (b) => (bytes[i] += b.length));
    s.on("error", () => undefined);
    s.on("close", () => cutOff++); // a subscriber that fell too far behind (the driver's, not the shard's)
    s.write(`SSUBSCRIBE ${channel}\r\n`);
    return s;
  });
  await sleep(300);
  const bench = spawn("redis-benchmark", ["-p", String(node.port), "-c", String(clients), "-P", String(pipeline), "-n", "1000000000", "-q", "spublish", channel, body], { stdio: "ignore" });
  await sleep(1000);
  const b0 = [...bytes];
  const [c0, p0] = [await shardCpu(node), await spublishCalls(node)];
  const benchCpu0 = procStats(bench.pid)?.cpu ?? 0;
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = (await shardCpu(node)) - c0;
  const published = (await spublishCalls(node)) - p0;
  const driverCpu = (procStats(bench.pid)?.cpu ?? 0) - benchCpu0;
  const delivered = bytes.map((b, i) => (b - b0[i]) / frame);
  const cut = cutOff;
  bench.kill("SIGKILL");
  sockets.forEach((s) => s.destroy());
  return {
    payloadBytes: body.length,
    subscribers,
    clients,
    pipeline,
    messagesPerSecond: Math.round(published / elapsed),
    // Each subscriber's share of what was published, received within the window.
    deliveredShare: +(Math.min(...delivered) / published).toFixed(3),
    subscribersCutOff: cut,
    shardCpuShare: +(cpu / elapsed).toFixed(2),
    // Per message published: its share of the shard's CPU, deliveries included.
    shardCpuMicrosecondsPerMessage: +((cpu * 1e6) / published).toFixed(2),
    driverCpuShare: +(driverCpu / elapsed).toFixed(2),
  };
}
