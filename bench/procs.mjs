// Child processes of a bench run: server(s), the ceiling server, the generator, and the
// /proc sampler that reads their CPU time and RSS (outside the processes, so it costs them nothing).
import { fork, spawn } from "node:child_process";
import { mkdirSync, openSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";

const ROOT = new URL("..", import.meta.url).pathname;
export const OUT = `${ROOT}bench/out`;
const CLK_TCK = 100; // `getconf CLK_TCK` on Linux x86-64

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** utime+stime in seconds and VmRSS in bytes of one process, or null once it is gone. */
export function procStats(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // comm may contain spaces
    const cpu = (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // fields 14 and 15 of stat
    const rss = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) * 1024;
    return { cpu, rss };
  } catch {
    return null;
  }
}

/** Busy CPU seconds of the whole machine (all cores): shows load from processes not ours. */
export function systemBusySeconds() {
  const [, ...ticks] = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).map(Number);
  const idle = ticks[3] + ticks[4]; // idle + iowait
  return (ticks.slice(0, 8).reduce((a, b) => a + b, 0) - idle) / CLK_TCK;
}

/**
 * The kernel's TCP counters that tell a connect storm's waits (TcpExt of /proc/net/netstat):
 * connections dropped because a listen queue was full, and the SYNs clients sent again for
 * them (the first one a second later), and the queue's cap, net.core.somaxconn.
 */
export function tcpCounters() {
  const lines = readFileSync("/proc/net/netstat", "utf8").split("\n").filter((l) => l.startsWith("TcpExt:"));
  const [names, values] = lines.map((l) => l.trim().split(/\s+/).slice(1));
  const value = (name) => Number(values[names.indexOf(name)] ?? 0);
  return {
    listenOverflows: value("ListenOverflows"),
    synRetransmits: value("TCPSynRetrans"),
    somaxconn: Number(readFileSync("/proc/sys/net/core/somaxconn", "utf8")),
  };
}

/** Samples every 250 ms; `window()` gives CPU seconds since `mark()` and peak RSS since then. */
export function sampler(pid) {
  let base = procStats(pid) ?? { cpu: 0, rss: 0 };
  let peak = base.rss;
  let last = base;
  const timer = setInterval(() => {
    const s = procStats(pid);
    if (!s) return;
    last = s;
    if (s.rss > peak) peak = s.rss;
  }, 250);
  return {
    mark() {
      base = procStats(pid) ?? last;
      peak = base.rss;
    },
    now: () => procStats(pid) ?? last,
    window() {
      const s = procStats(pid) ?? last;
      return { cpuSeconds: +(s.cpu - base.cpu).toFixed(2), peakRssMB: +(Math.max(peak, s.rss) / 2 ** 20).toFixed(1) };
    },
    stop: () => clearInterval(timer),
  };
}

async function waitReady(url, child, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.status === 200) return;
    } catch {
      /* not listening yet */
    }
    await sleep(100);
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms`);
}

/** Starts `node server/dist/main.js`; resolves once /readyz answers 200. */
export async function startServer({ env, profile = false }) {
  mkdirSync(OUT, { recursive: true });
  const port = await freePort();
  const args = [];
  // `--heap-snapshot` in run.mjs signals the server for a snapshot once its clients are subscribed.
  args.push("--heapsnapshot-signal=SIGUSR2", "--diagnostic-dir", OUT);
  const main = profile ? "bench/profiled-server.mjs" : "server/dist/main.js";
  const child = spawn(process.execPath, [...args, main], {
    cwd: ROOT,
    env: { ...process.env, PROFILE_DIR: OUT, NODE_ENV: "production", PORT: String(port), HOST: "127.0.0.1", SEND_RATE_LIMIT: "off", CLIENT_DIST: "", LOG_LEVEL: "warn", ...env },
    // Server output goes to a log file: a torn-down load leaves EPIPE errors that would flood the report.
    stdio: ["ignore", openSync(`${OUT}/server-${port}.log`, "w"), openSync(`${OUT}/server-${port}.log`, "a")],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitReady(url, child);
  return { child, url, port, profile, sampler: sampler(child.pid) };
}

/** The plain `ws` broadcast server; prints its port on stdout. */
export async function startCeiling() {
  const port = await freePort();
  const child = spawn(process.execPath, ["bench/ceiling-server.mjs", String(port)], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
  await new Promise((resolve, reject) => {
    child.stdout.once("data", resolve);
    child.once("exit", (code) => reject(new Error(`ceiling server exited with ${code}`)));
  });
  return { child, url: `http://127.0.0.1:${port}`, port, sampler: sampler(child.pid) };
}

/**
 * SIGTERM, then SIGKILL after 5 s: the server's graceful stop does not finish (see RESULTS.md).
 * A profiled server gets 60 s: a backlogged server is slow to reach exit and write its profile.
 */
export async function stop(proc) {
  proc.sampler?.stop();
  const { child } = proc;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), proc.profile ? 60_000 : 5_000);
  await exited;
  clearTimeout(timer);
}

/**
 * Runs bench/generator.mjs with `plan`; `onPhase(name)` is awaited for each phase the
 * generator announces (it waits for the answer), and the final report is returned.
 */
export function runGenerator(plan, onPhase = async () => {}) {
  return new Promise((resolve, reject) => {
    const child = fork(`${ROOT}bench/generator.mjs`, [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    const limit = setTimeout(() => child.kill("SIGKILL"), (plan.timeLimitSeconds ?? 600) * 1000);
    let report = null;
    child.on("message", async (msg) => {
      if (msg.phase) {
        await onPhase(msg.phase, msg);
        child.send({ go: msg.phase });
      } else if (msg.report) report = msg.report;
    });
    child.on("exit", (code) => {
      clearTimeout(limit);
      if (report) resolve(report);
      else reject(new Error(`generator exited with ${code} and no report`));
    });
    child.send({ plan });
  });
}

export async function createPgDatabase(name) {
  const client = new pg.Client({ connectionString: "postgresql://postgres@127.0.0.1:5432/postgres" });
  await client.connect();
  await client.query(`create database "${name}"`);
  await client.end();
  return `postgresql://postgres@127.0.0.1:5432/${name}`;
}

export async function dropPgDatabase(name) {
  const client = new pg.Client({ connectionString: "postgresql://postgres@127.0.0.1:5432/postgres" });
  await client.connect();
  await client.query(`drop database if exists "${name}" with (force)`);
  await client.end();
}
