// `run.mjs connect-storm`: `--subscribers` sockets (10000) in `--rooms` rooms (1000) connect at
// once from `--clients` processes (4), each socket from its process's own loopback address
// (127.0.0.2, 127.0.0.3, …: one source address's ephemeral ports would run out), and each sends
// connection_init with its token and, once acknowledged, subscribes to its room's messageAdded.
// The server gives no ack for a subscription: the storm counts as done once every subscribe
// frame is out and the server has gone quiet (under a fifth of a core for half a second); warm-up messages
// afterwards check that every socket does get its room's messages. Reports the wall time, the
// server's CPU for the storm per socket, and its RSS per socket once settled.
import { fork } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { educaSender, pool } from "./clients.mjs";
import { procStats, tcpCounters } from "./procs.mjs";

const ROOT = new URL("..", import.meta.url).pathname;
const SAMPLE_MS = 50;
/**
 * Quiet: the server used at most a fifth of a core over this long. Not "no CPU at all": the
 * keep-alive pings a slice of the sockets four times a second (19 000 sockets: about 5% of a core).
 */
const QUIET_MS = 500;
const QUIET_SHARE = 0.2;

const child = () =>
  new Promise((resolve, reject) => {
    const c = fork(`${ROOT}bench/storm-client.mjs`, [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    c.once("message", () => resolve(c));
    c.once("exit", (code) => reject(new Error(`storm client exited with ${code}`)));
  });
const reply = (c, key) => new Promise((resolve) => c.on("message", (m) => m[key] !== undefined && resolve(m[key])));

export async function connectStorm({ freshDatabase, seed, startServer, stop, record, opt, num, secret, systemBusySeconds, printProfile }) {
  const sockets = num(opt.subscribers, 10000);
  const rooms = num(opt.rooms, 1000);
  const clients = num(opt.clients, 4);
  const perRoom = Math.ceil(sockets / rooms);
  for (let k = 0; k < num(opt.repeat, 1); k++) {
    const database = await freshDatabase(opt.db ?? "sqlite");
    // One member more per room: the sender of the warm-up messages.
    const seeded = await seed({ databaseUrl: database.url, secretKey: secret, rooms, membersPerRoom: perRoom + 1 });
    const members = seeded.flatMap((r) => r.members.slice(0, perRoom).map((m) => ({ token: m.token, courseId: r.courseId }))).slice(0, sockets);
    const server = await startServer({ env: { SECRET_KEY: secret, DATABASE_URL: database.url }, profile: opt.profile });
    const procs = await Promise.all(Array.from({ length: clients }, child));
    try {
      await sleep(1000);
      const pid = server.child.pid;
      const before = procStats(pid);
      const clientCpu0 = procs.reduce((n, c) => n + procStats(c.pid).cpu, 0);
      const busy0 = systemBusySeconds();
      const tcp0 = tcpCounters();
      const samples = [{ t: 0, cpu: before.cpu }];
      const t0 = performance.now();
      const sampling = setInterval(() => samples.push({ t: performance.now() - t0, cpu: procStats(pid)?.cpu ?? samples.at(-1).cpu }), SAMPLE_MS);
      // A profiled server profiles the storm alone (bench/profiled-server.mjs).
      if (server.profile) server.child.kill("SIGHUP");
      const subscribed = procs.map((c) => reply(c, "subscribed"));
      procs.forEach((c, i) => {
        c.send({ start: { url: server.url, localAddress: `127.0.0.${2 + i}`, members: members.filter((_, j) => j % clients === i) } });
      });
      const counts = await Promise.all(subscribed);
      const framesOutMs = performance.now() - t0;
      let quietFrom;
      for (;;) {
        await sleep(SAMPLE_MS);
        const last = samples.at(-1);
        const ago = samples.findLast((s) => s.t <= last.t - QUIET_MS);
        if (ago && last.t > framesOutMs && last.cpu - ago.cpu <= (QUIET_SHARE * QUIET_MS) / 1000) {
          quietFrom = ago;
          break;
        }
      }
      clearInterval(sampling);
      if (server.profile) server.child.kill("SIGHUP");
      const end = samples.at(-1).cpu;
      // Done where the quiet window began: the storm keeps a core busy until then.
      const doneMs = Math.max(framesOutMs, quietFrom.t);
      const cpuSeconds = end - before.cpu;
      // When 95% of the storm's CPU had been spent: a keep-alive round (every 12 s, all sockets)
      // or a late straggler can hold "done" back long after the storm itself.
      const cpu95Ms = Math.round(samples.find((s) => s.cpu >= before.cpu + 0.95 * cpuSeconds).t);
      const clientCpuSeconds = procs.reduce((n, c) => n + procStats(c.pid).cpu, 0) - clientCpu0;
      const otherCpuSeconds = systemBusySeconds() - busy0 - cpuSeconds - clientCpuSeconds;
      const tcp = tcpCounters();
      await sleep(2000); // timers, buffers: let the server settle before reading RSS
      const after = procStats(pid);
      // Every socket gets its room's messages: one warm-up message per room a round until each had one.
      const delivered = Promise.all(procs.map((c) => reply(c, "delivered")));
      let done = false;
      void delivered.then(() => (done = true));
      const senders = seeded.map((r) => educaSender(server.url, r.members[perRoom].token, r.courseId));
      const problems = {};
      for (let round = 0; !done && round < 20; round++) {
        await pool(senders.map((s) => () => s.send(JSON.stringify({ warm: round })).catch((e) => (problems[e.message] = (problems[e.message] ?? 0) + 1))), 32);
        await Promise.race([delivered, sleep(500)]);
      }
      const statuses = await Promise.all(procs.map((c) => (c.send({ status: true }), reply(c, "status"))));
      for (const s of statuses) for (const [p, n] of Object.entries(s.problems)) problems[p] = (problems[p] ?? 0) + n;
      const report = {
        sockets, rooms, clients,
        subscribeFramesOutMs: Math.round(framesOutMs), cpu95Ms, clientCpuSeconds: +clientCpuSeconds.toFixed(2),
        doneMs: Math.round(doneMs),
        failed: counts.reduce((n, c) => n + c.failed, 0),
        unready: statuses.reduce((n, s) => n + s.unready, 0),
        serverCpuSeconds: +cpuSeconds.toFixed(2),
        cpuMsPerSocket: +((cpuSeconds * 1000) / sockets).toFixed(3),
        rssBeforeMB: +(before.rss / 2 ** 20).toFixed(1),
        rssAfterMB: +(after.rss / 2 ** 20).toFixed(1),
        rssPerSocketKB: +((after.rss - before.rss) / 1024 / sockets).toFixed(2),
        otherCpuSeconds: +otherCpuSeconds.toFixed(2),
        // Connections the listen queue dropped: each waits a second or more for its SYN again.
        listenOverflows: tcp.listenOverflows - tcp0.listenOverflows,
        synRetransmits: tcp.synRetransmits - tcp0.synRetransmits,
        somaxconn: tcp.somaxconn,
        problems,
      };
      record("connect-storm", { sockets, rooms, clients }, report);
    } finally {
      for (const c of procs) c.send({ close: true });
      await stop(server);
      await database.drop();
      if (opt.profile) printProfile();
    }
  }
}
