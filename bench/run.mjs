// Educa Chat load benchmark. Usage:
//   node bench/run.mjs <big-room|mixed|awareness|many-rooms|cluster|redis-shard|idle|write|reconnect-storm|ceiling|question-queue|my-courses|connect-storm>
//     [--messages N --unread N --requests N --rooms N (my-courses)] [--subscribers N --rooms R (1000) --clients C (4) (connect-storm)]
//     [--subscribers N] [--rate R] [--rooms N (redis-shard, many-rooms)] [--duration S] [--repeat K] [--db sqlite|pg]
//     [--typists N --churn N/s --typing-default --presence-unbatched (awareness)] [--requests N (question-queue)] [--no-ceiling] [--find-max [--refine N]] [--profile] [--heap-snapshot] [--writers W] [--ops send,me,send-ws,me-ws,send-writers,me-writers] [--drain S (wait for late deliveries, default 5)]
// Needs `npm run build:server` first. Raw JSON goes to bench/out/ (git-ignored).
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { setTimeout as sleep } from "node:timers/promises";
import { createPgDatabase, dropPgDatabase, OUT, systemBusySeconds, runGenerator, startCeiling, startServer, stop } from "./procs.mjs";
import { seed } from "./setup.mjs";
import { summarise } from "./profile-summary.mjs";
import { summariseHeap, takeHeapSnapshot } from "./heap-summary.mjs";
import { redisShard } from "./redis-shard.mjs";
import { questionQueue } from "./question-queue.mjs";
import { myCourses } from "./my-courses.mjs";
import { connectStorm } from "./connect-storm.mjs";

const { values: opt, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    subscribers: { type: "string" }, rate: { type: "string" }, duration: { type: "string", default: "10" },
    repeat: { type: "string", default: "1" }, db: { type: "string" }, "no-ceiling": { type: "boolean" },
    "find-max": { type: "boolean" }, refine: { type: "string" }, profile: { type: "boolean" }, writers: { type: "string", default: "64" }, ops: { type: "string" },
    drain: { type: "string", default: "5" }, "heap-snapshot": { type: "boolean" }, rooms: { type: "string" },
    messages: { type: "string" }, unread: { type: "string" }, requests: { type: "string" }, clients: { type: "string" },
    typists: { type: "string" }, churn: { type: "string" }, "typing-default": { type: "boolean" }, "presence-unbatched": { type: "boolean" },
  },
});
const scenario = positionals[0];
const num = (v, d) => (v === undefined ? d : Number(v));
const duration = num(opt.duration, 10);
const SECRET = `bench-secret-${"k".repeat(32)}`;
const tag = `${process.pid}_${Date.now()}`;
let dbCount = 0;
mkdirSync(OUT, { recursive: true });

/** A fresh database per run: a SQLite file or a PostgreSQL database dropped afterwards. */
async function freshDatabase(kind) {
  const name = `bench_${tag}_${dbCount++}`;
  if (kind === "pg") return { url: await createPgDatabase(name), drop: () => dropPgDatabase(name) };
  const dir = `/tmp/educa-bench-${name}`;
  mkdirSync(dir, { recursive: true });
  return { url: `sqlite:${dir}/x.sqlite3`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

/** Seeds, starts the server(s) and the generator, stops everything; returns the report. */
/**
 * `redisEnv` replaces the shared Redis of several instances (a cluster); `spreadSenders` sends
 * each room's messages through instance `room index % instances` rather than the first; `hooks`
 * run at the generator's "ready" (before the servers' window opens) and "drained".
 */
async function runEduca({ mode, db = "sqlite", instances = 1, rooms, subscribers, rate = 0, writers, ops, redisEnv, spreadSenders = false, hooks, awareness, serverEnv = {} }) {
  const database = await freshDatabase(db);
  // awareness: members beyond the subscribers and the sender come and go.
  const visitors = awareness ? awareness.visitors : 0;
  const seeded = await seed({ databaseUrl: database.url, secretKey: SECRET, rooms, membersPerRoom: subscribers + 1 + visitors });
  await hooks?.seeded?.(seeded);
  const env = { SECRET_KEY: SECRET, DATABASE_URL: database.url, ...serverEnv };
  if (instances > 1) Object.assign(env, redisEnv ?? { REDIS_URL: "redis://127.0.0.1:6379", REDIS_PREFIX: `bench${tag}:` });
  const servers = [];
  try {
    // PostgreSQL: only the first instance migrates, and the second starts once it is listening.
    for (let i = 0; i < instances; i++) servers.push(await startServer({ env: { ...env, MIGRATE_ON_START: String(i === 0) }, profile: opt.profile }));
    const plan = {
      mode, target: "educa", rate, duration, writers, ops, drainSeconds: num(opt.drain, 5),
      servers: servers.map((s) => s.url),
      rooms: seeded.map((r, i) => ({
        courseId: r.courseId,
        sender: { token: r.members[subscribers].token, server: spreadSenders ? i % instances : 0 },
        subscribers: r.members.slice(0, subscribers).map((m, i) => ({ token: m.token, server: i % instances })),
        churn: r.members.slice(subscribers + 1).map((m) => ({ token: m.token })),
      })),
      awareness,
    };
    return await withServers(servers, plan, hooks);
  } finally {
    for (const s of servers) await stop(s);
    await database.drop();
    if (opt.profile) printProfile();
  }
}

async function runCeiling({ subscribers, rate }) {
  const ceiling = await startCeiling();
  try {
    const plan = {
      mode: "broadcast", target: "ceiling", rate, duration, servers: [ceiling.url], drainSeconds: num(opt.drain, 5),
      rooms: [{ courseId: "ceiling", sender: { server: 0 }, subscribers: Array.from({ length: subscribers }, () => ({ server: 0 })) }],
    };
    return await withServers([ceiling], plan);
  } finally {
    await stop(ceiling);
  }
}

/** Runs the generator and reads the servers' CPU and RSS between its "ready" and "drained". */
async function withServers(servers, plan, hooks = {}) {
  const server = { windows: [], busy: [] };
  // The connect + subscribe phase's CPU, apart from the measured window.
  servers.forEach((s) => s.sampler.mark());
  const result = await runGenerator(plan, async (phase) => {
    if (server.subscribeCpuSeconds === undefined && (phase === "subscribed" || phase.startsWith("ready"))) {
      server.subscribeCpuSeconds = +servers.reduce((n, s) => n + s.sampler.window().cpuSeconds, 0).toFixed(2);
    }
    if (phase === "subscribed") {
      await sleep(2000); // let the server settle (timers, buffers) before reading RSS
      server.rssSubscribedMB = servers.map((s) => +(s.sampler.now().rss / 2 ** 20).toFixed(1));
      if (opt["heap-snapshot"]) for (const s of servers) summariseHeap(await takeHeapSnapshot(s));
    }
    if (phase.startsWith("ready")) {
      await hooks.ready?.();
      servers.forEach((s) => s.sampler.mark());
      // A profiled server profiles the measured window alone (bench/profiled-server.mjs).
      for (const s of servers) if (s.profile) s.child.kill("SIGHUP");
      server.busy0 = systemBusySeconds();
    }
    if (phase.startsWith("drained")) {
      server.windows.push(servers.map((s) => s.sampler.window()));
      for (const s of servers) if (s.profile) s.child.kill("SIGHUP");
      server.busy.push(systemBusySeconds() - server.busy0);
      await hooks.drained?.();
    }
  });
  // write mode returns one report per op, each with its own server window.
  const reports = Array.isArray(result) ? result : [result];
  reports.forEach((r, i) => {
    addServerStats(r, server.windows[i], server.rssSubscribedMB);
    if (server.subscribeCpuSeconds !== undefined) r.server.subscribeCpuSeconds = server.subscribeCpuSeconds;
    // Machine-wide busy CPU minus ours: other processes competing for the 2 cores.
    r.otherCpuSeconds = +(server.busy[i] - r.server.cpuSeconds - r.generator.cpuSeconds).toFixed(2);
  });
  return result;
}

function addServerStats(report, windows, rssSubscribedMB) {
  report.server = {
    cpuSeconds: +windows.reduce((n, w) => n + w.cpuSeconds, 0).toFixed(2),
    peakRssMB: windows.map((w) => w.peakRssMB),
    ...(rssSubscribedMB ? { rssSubscribedMB } : {}),
  };
  if (report.ok) report.server.cpuMicrosecondsPerOp = Math.round((report.server.cpuSeconds * 1e6) / report.ok);
  if (report.delivered) report.server.cpuMsPer1000Deliveries = +((report.server.cpuSeconds * 1e6) / report.delivered).toFixed(1);
}

function printProfile() {
  const files = readdirSync(OUT).filter((f) => f.endsWith(".cpuprofile")).map((f) => `${OUT}/${f}`);
  const newest = files.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  if (!newest) return;
  const s = summarise(newest, 12);
  console.log(`profile ${newest} (sampled ${s.totalMs} ms), top self time:`);
  for (const r of s.top) console.log(`  ${String(r.pct).padStart(5)}%  ${r.fn}`);
  console.log("  server code, inclusive time:");
  for (const r of s.serverInclusive) console.log(`  ${String(r.pct).padStart(5)}%  ${r.fn}`);
}

function line(name, r) {
  const l = r.latencyMs;
  const parts = [name];
  if (r.op) parts.push(`${r.op} x${r.writers}: ${r.perSecond}/s ok ${r.ok} errors ${r.errors}`);
  else parts.push(`sent ${r.sent} expected ${r.expected} delivered ${r.delivered} lost ${r.lost} dup ${r.duplicates} ooo ${r.outOfOrder} reach ${r.reach} | ${r.deliveriesPerSecond} deliveries/s`);
  parts.push(`latency p50 ${l.p50} p95 ${l.p95} p99 ${l.p99} max ${l.max} ms`);
  if (r.latencySameInstanceMs) parts.push(`p50 same-instance ${r.latencySameInstanceMs.p50} cross-instance ${r.latencyCrossInstanceMs.p50} ms`);
  if (r.catchUpMs) parts.push(`catch-up p50 ${r.catchUpMs.p50} p99 ${r.catchUpMs.p99} max ${r.catchUpMs.max} ms (not caught up ${r.catchUpMs.notCaughtUp})`);
  if (r.server.cpuMicrosecondsPerOp) parts.push(`${r.server.cpuMicrosecondsPerOp} server CPU-µs per op`);
  parts.push(`server cpu ${r.server.cpuSeconds} s${r.server.subscribeCpuSeconds !== undefined ? ` (subscribing: ${r.server.subscribeCpuSeconds} s)` : ""} peak rss ${r.server.peakRssMB.join("+")} MB`);
  parts.push(`generator cpu ${r.generator.cpuSeconds} s eld p99 ${r.generator.eventLoopDelayP99Ms} ms | other processes cpu ${r.otherCpuSeconds} s`);
  if (Object.keys(r.problems ?? {}).length) parts.push(`problems ${JSON.stringify(r.problems).slice(0, 300)}`);
  return parts.join(" | ");
}

const results = [];
function record(name, params, report) {
  results.push({ name, params, report });
  console.log(line(`${name} ${JSON.stringify(params)}`, report));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const ok = (r) => r.reach === 1 && r.duplicates === 0 && r.outOfOrder === 0 && r.latencyMs.p99 <= 250;

/**
 * Doubles the rate from --rate (default 5) until a step misses p99 <= 250 ms or reach 1.0, then
 * bisects between the last rate held and the first missed, --refine times (default 2): a
 * doubling grid alone only bounds the ratio between two servers within a factor of 4.
 */
async function findMax(runner, name, subscribers) {
  let best = null;
  let missed = null;
  for (let rate = num(opt.rate, 5); rate <= 2560; rate *= 2) {
    const r = await runner({ subscribers, rate });
    record(`${name} find-max`, { subscribers, rate }, r);
    if (!ok(r)) {
      missed = rate;
      break;
    }
    best = rate;
  }
  for (let step = 0; best !== null && missed !== null && step < num(opt.refine, 2); step++) {
    const rate = Math.round((best + missed) / 2);
    if (rate === best || rate === missed) break;
    const r = await runner({ subscribers, rate });
    record(`${name} find-max`, { subscribers, rate }, r);
    if (ok(r)) best = rate;
    else missed = rate;
  }
  return best;
}

const scenarios = {
  async "big-room"() {
    const subscribers = num(opt.subscribers, 1000);
    const rate = num(opt.rate, 20);
    const educa = (p) => runEduca({ mode: "broadcast", db: opt.db, rooms: 1, ...p });
    if (opt["find-max"]) {
      const e = await findMax(educa, "educa", subscribers);
      const c = opt["no-ceiling"] ? null : await findMax((p) => runCeiling(p), "ceiling", subscribers);
      console.log(`find-max: highest rate with p99 <= 250 ms and reach 1.0 at ${subscribers} subscribers: educa ${e} msg/s, ceiling ${c} msg/s${c ? `, ratio ${(e / c).toFixed(2)}` : ""}`);
      return;
    }
    const dps = { educa: [], ceiling: [] };
    for (let k = 0; k < num(opt.repeat, 1); k++) {
      const r = await educa({ subscribers, rate });
      record("big-room educa", { subscribers, rate, duration }, r);
      dps.educa.push(r.deliveriesPerSecond);
      if (!opt["no-ceiling"]) {
        const c = await runCeiling({ subscribers, rate });
        record("big-room ceiling", { subscribers, rate, duration }, c);
        dps.ceiling.push(c.deliveriesPerSecond);
      }
    }
    if (dps.ceiling.length) console.log(`deliveries/s educa/ceiling (medians, same offered load) = ${median(dps.educa)}/${median(dps.ceiling)} = ${(median(dps.educa) / median(dps.ceiling)).toFixed(3)}`);
  },
  // The big room with one event in five an edit or a reaction, subscribers on roomEvents.
  async mixed() {
    const subscribers = num(opt.subscribers, 1000);
    const rate = num(opt.rate, 20);
    for (let k = 0; k < num(opt.repeat, 1); k++) {
      record("mixed educa", { subscribers, rate, duration }, await runEduca({ mode: "mixed", db: opt.db, rooms: 1, subscribers, rate }));
    }
  },
  // Presence and typing in one big room on two instances (PostgreSQL + Redis): the same message
  // load with and without every subscriber following presenceUpdates and typingUpdates, typists
  // renewing every 3 s and members coming and going. Typing is on (TYPING_MAX_ROOM_SIZE raised
  // above the room) unless --typing-default, which keeps the shipped limit (typing off here).
  async awareness() {
    const p = { rooms: 1, subscribers: num(opt.subscribers, 1000), rate: num(opt.rate, 20) };
    // Presence followed as the web client does (batched), or one frame per join and leave.
    const load = { typists: num(opt.typists, 20), churn: num(opt.churn, 2), visitors: 100, batched: !opt["presence-unbatched"] };
    const serverEnv = opt["typing-default"] ? {} : { TYPING_MAX_ROOM_SIZE: String(p.subscribers + 200) };
    for (let k = 0; k < num(opt.repeat, 1); k++) {
      for (const withAwareness of [false, true]) {
        const r = await runEduca({ mode: "broadcast", db: "pg", instances: 2, ...p, serverEnv, awareness: withAwareness ? load : undefined });
        record(`awareness ${withAwareness ? "on" : "off"}`, { ...p, ...(withAwareness ? load : {}), duration }, r);
      }
    }
  },
  async "many-rooms"() {
    const p = { rooms: num(opt.rooms, 200), subscribers: num(opt.subscribers, 20), rate: num(opt.rate, 200) };
    for (let k = 0; k < num(opt.repeat, 1); k++) record("many-rooms", { ...p, duration }, await runEduca({ mode: "broadcast", db: opt.db, ...p }));
  },
  async cluster() {
    const p = { rooms: 1, subscribers: num(opt.subscribers, 2000), rate: num(opt.rate, 10) };
    for (let k = 0; k < num(opt.repeat, 1); k++) record("cluster", { ...p, duration }, await runEduca({ mode: "broadcast", db: "pg", instances: 2, ...p }));
  },
  "redis-shard": () => redisShard({ runEduca, record, opt, num, duration, tag }),
  "question-queue": () =>
    questionQueue({
      freshDatabase, seed, startServer, stop, opt, num, secret: SECRET, systemBusySeconds,
      record: (name, params, report) => {
        results.push({ name, params, report });
        const l = report.latencyMs;
        console.log(`${name} ${JSON.stringify(params)} | n ${l.n} latency p50 ${l.p50} p95 ${l.p95} p99 ${l.p99} max ${l.max} ms | server cpu ${report.serverCpuSeconds} s | other processes cpu ${report.otherCpuSeconds} s`);
      },
    }),
  // Latencies of one query, not deliveries: its report has its own shape (printed by the scenario).
  "my-courses": () => myCourses({ freshDatabase, startServer, stop, record: (name, params, report) => results.push({ name, params, report }), opt, num, secret: SECRET }),
  // Many sockets connecting, authenticating and subscribing at once; its report has its own shape.
  "connect-storm": () =>
    connectStorm({
      freshDatabase, seed, startServer, stop, opt, num, secret: SECRET, systemBusySeconds, printProfile,
      record: (name, params, r) => {
        results.push({ name, params, report: r });
        console.log(`${name} ${JSON.stringify(params)} | subscribe frames out ${r.subscribeFramesOutMs} ms, server done ${r.doneMs} ms (95% of its CPU by ${r.cpu95Ms} ms) | failed ${r.failed} unready ${r.unready} | server cpu ${r.serverCpuSeconds} s = ${r.cpuMsPerSocket} ms per socket | rss ${r.rssBeforeMB} → ${r.rssAfterMB} MB = ${r.rssPerSocketKB} KB per socket | clients cpu ${r.clientCpuSeconds} s | other processes cpu ${r.otherCpuSeconds} s | listen queue (somaxconn ${r.somaxconn}) overflowed ${r.listenOverflows}, SYNs sent again ${r.synRetransmits}${Object.keys(r.problems).length ? ` | problems ${JSON.stringify(r.problems).slice(0, 300)}` : ""}`);
      },
    }),
  async idle() {
    const subscribers = num(opt.subscribers, 10000);
    for (let k = 0; k < num(opt.repeat, 1); k++) {
      const database = await freshDatabase(opt.db ?? "sqlite");
      const seeded = await seed({ databaseUrl: database.url, secretKey: SECRET, rooms: 1, membersPerRoom: subscribers + 1 });
      const server = await startServer({ env: { SECRET_KEY: SECRET, DATABASE_URL: database.url }, profile: opt.profile });
      try {
        await sleep(1000);
        const before = server.sampler.now().rss;
        const plan = {
          mode: "idle", target: "educa", rate: 0, duration: 0, servers: [server.url],
          rooms: [{ courseId: seeded[0].courseId, sender: { token: seeded[0].members[subscribers].token, server: 0 }, subscribers: seeded[0].members.slice(0, subscribers).map((m) => ({ token: m.token, server: 0 })) }],
        };
        const r = await withServers([server], plan);
        r.rssBeforeMB = +(before / 2 ** 20).toFixed(1);
        r.rssPerConnectionKB = +(((r.server.rssSubscribedMB[0] * 2 ** 20 - before) / subscribers) / 1024).toFixed(2);
        record("idle", { subscribers }, r);
        console.log(`idle: rss before ${r.rssBeforeMB} MB, with ${subscribers} subscribed ${r.server.rssSubscribedMB[0]} MB → ${r.rssPerConnectionKB} KB per connection (unready ${r.unreadyAfterWarmup})`);
      } finally {
        await stop(server);
        await database.drop();
      }
    }
  },
  async write() {
    const writers = num(opt.writers, 64);
    for (const db of opt.db ? [opt.db] : ["sqlite", "pg"]) {
      for (let k = 0; k < num(opt.repeat, 1); k++) {
        // Same server, each op for `duration` s: sendMessage, then `{ me { id } }` (the server
        // has no no-op mutation; this is its cheapest authenticated operation) as the baseline,
        // over HTTP and then over open sockets.
        const rs = await runEduca({ mode: "write", db, rooms: 200, subscribers: 20, writers, ops: (opt.ops ?? "send,me,send-ws,me-ws").split(",") });
        for (const r of rs) record(`write ${db}`, { op: r.op, writers, duration }, r);
      }
    }
  },
  async "reconnect-storm"() {
    const p = { rooms: 1, subscribers: num(opt.subscribers, 1000), rate: num(opt.rate, 20) };
    for (let k = 0; k < num(opt.repeat, 1); k++) record("reconnect-storm", { ...p, duration }, await runEduca({ mode: "reconnect", db: opt.db, ...p }));
  },
  async ceiling() {
    const p = { subscribers: num(opt.subscribers, 1000), rate: num(opt.rate, 20) };
    for (let k = 0; k < num(opt.repeat, 1); k++) record("ceiling", { ...p, duration }, await runCeiling(p));
  },
};

if (!scenarios[scenario]) {
  console.error(`usage: node bench/run.mjs <${Object.keys(scenarios).join("|")}> [options]`);
  process.exit(2);
}
await scenarios[scenario]();
const file = `${OUT}/${scenario}${opt["find-max"] ? "-find-max" : ""}-${new Date().toISOString().replace(/[:.]/g, "-")}.json`;
writeFileSync(file, JSON.stringify({ scenario, options: opt, results }, null, 2));
console.log(`raw JSON: ${file}`);
process.exit(0);
