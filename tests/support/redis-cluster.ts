import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command, Redis } from "ioredis";
import { freePort } from "./redis-server.js";
import { TcpProxy } from "./tcp-proxy.js";

export interface ClusterOptions {
  masters?: number;
  /** Replicas per master (1 for a failover test). */
  replicas?: number;
  /** How long a master may be unreachable before its replica takes over. */
  nodeTimeoutMs?: number;
  /** Clients reach every node through a TcpProxy (announced as the node's address). */
  proxied?: boolean;
}

interface Node {
  port: number;
  /** What clients are told to connect to: the proxy's port when proxied. */
  clientPort: number;
  dir: string;
  child: ChildProcess;
  exited: Promise<void>;
  proxy: TcpProxy | null;
}

/** The slot Redis puts a key or channel in. */
export const slotOf = (name: string) => new Command("spublish", [name]).getSlot();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One cluster node on free ports. A port found free can be taken before redis-server binds it
 * (other suites start servers at the same time), and the two lookups can even return the same
 * port: a node that exits before it is ready is started again on new ports.
 */
async function startNode(nodeTimeoutMs: number, proxied: boolean): Promise<Node> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await tryStartNode(nodeTimeoutMs, proxied);
    } catch (err) {
      if (attempt >= 5) throw err;
    }
  }
}

async function tryStartNode(nodeTimeoutMs: number, proxied: boolean): Promise<Node> {
  const port = await freePort();
  let busPort = await freePort();
  while (busPort === port) busPort = await freePort();
  const proxy = proxied ? await TcpProxy.start(port) : null;
  const dir = mkdtempSync(join(tmpdir(), "educa-chat-cluster-"));
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no"];
  args.push("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-port", String(busPort));
  // Other shards keep serving while one fails over.
  args.push("--cluster-node-timeout", String(nodeTimeoutMs), "--cluster-require-full-coverage", "no");
  if (proxy) args.push("--cluster-announce-ip", "127.0.0.1", "--cluster-announce-port", String(proxy.port), "--cluster-announce-bus-port", String(busPort));
  const child = spawn("redis-server", args, { stdio: ["ignore", "pipe", "inherit"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let output = "";
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on("data", (chunk: Buffer) => {
        output = (output + chunk.toString()).slice(-2000);
        if (output.includes("Ready to accept connections")) resolve();
      });
      void exited.then(() => reject(new Error(`redis-server (cluster node) exited: ${output.trim().split("\n").at(-1) ?? ""}`)));
    });
  } catch (err) {
    await proxy?.close();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return { port, clientPort: proxy?.port ?? port, dir, child, exited, proxy };
}

/**
 * A Redis Cluster of the test's own: `redis-server --cluster-enabled yes` processes on free
 * loopback ports, each in its own temporary directory, joined by `redis-cli --cluster create`.
 * start() resolves once every node says the cluster is ok and every replica is in sync.
 */
export class RedisCluster {
  private readonly admins = new Map<number, Redis>();

  private constructor(private readonly nodes: Node[]) {}

  static async start(options: ClusterOptions = {}): Promise<RedisCluster> {
    const { masters = 3, replicas = 0, nodeTimeoutMs = 2000, proxied = false } = options;
    const started = await Promise.allSettled(Array.from({ length: masters * (1 + replicas) }, () => startNode(nodeTimeoutMs, proxied)));
    const nodes = started.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    const cluster = new RedisCluster(nodes);
    const failed = started.find((r) => r.status === "rejected");
    if (failed) {
      // The nodes that did start must not outlive the suite (they would hold the test run open).
      await cluster.stop();
      throw failed.reason;
    }
    try {
      const create = spawn("redis-cli", ["--cluster", "create", ...nodes.map((n) => `127.0.0.1:${n.port}`), "--cluster-replicas", String(replicas), "--cluster-yes"], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      for (const stream of [create.stdout, create.stderr]) stream.on("data", (c: Buffer) => (output += c.toString()));
      const code = await new Promise<number | null>((resolve) => create.once("exit", resolve));
      if (code !== 0) throw new Error(`redis-cli --cluster create failed:\n${output}`);
      await cluster.waitUntilHealthy(30_000);
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  /** REDIS_CLUSTER_NODES: every node, as clients reach it. */
  get startupNodes(): string {
    return this.nodes.map((n) => `127.0.0.1:${n.clientPort}`).join(",");
  }

  get proxies(): TcpProxy[] {
    return this.nodes.flatMap((n) => (n.proxy ? [n.proxy] : []));
  }

  /** An admin connection straight to one node (not through its proxy). */
  admin(port: number): Redis {
    let client = this.admins.get(port);
    if (!client) {
      client = new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
      client.on("error", () => undefined);
      this.admins.set(port, client);
    }
    return client;
  }

  private live(): Node[] {
    return this.nodes.filter((n) => n.child.exitCode === null && n.child.signalCode === null);
  }

  /** The live masters, each with the slots it serves (as the cluster itself sees it). */
  async masters(): Promise<{ port: number; slots: [number, number][] }[]> {
    const [first] = this.live();
    if (!first) return [];
    const ranges = (await this.admin(first.port).call("CLUSTER", "SLOTS")) as [number, number, [string, number]][];
    const byPort = new Map<number, [number, number][]>();
    for (const [from, to, [, clientPort]] of ranges) {
      const node = this.nodes.find((n) => n.clientPort === Number(clientPort));
      if (!node) throw new Error(`unknown node ${clientPort}`);
      byPort.set(node.port, [...(byPort.get(node.port) ?? []), [from, to]]);
    }
    return [...byPort].map(([port, slots]) => ({ port, slots }));
  }

  /** The port of the master that serves this channel or key now. */
  async masterOf(name: string): Promise<number> {
    const slot = slotOf(name);
    const owner = (await this.masters()).find((m) => m.slots.some(([from, to]) => slot >= from && slot <= to));
    if (!owner) throw new Error(`no master serves slot ${slot}`);
    return owner.port;
  }

  /** SIGKILL one node: a crash, its replica (if any) takes over after the node timeout. */
  async kill(port: number): Promise<void> {
    const node = this.nodes.find((n) => n.port === port);
    if (!node) throw new Error(`no node on ${port}`);
    node.child.kill("SIGKILL");
    await node.exited;
    this.admins.get(port)?.disconnect();
    this.admins.delete(port);
  }

  /**
   * Every live node reports `cluster_state:ok` and agrees on who serves every slot, every slot
   * is served by a live master (after a kill: its replica took over), replicas are in sync.
   */
  async waitUntilHealthy(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = "";
    while (Date.now() < deadline) {
      try {
        const views = await Promise.all(
          this.live().map(async (n) => {
            const admin = this.admin(n.port);
            const info = (await admin.call("CLUSTER", "INFO")) as string;
            const replication = (await admin.info("replication")) as string;
            const slots = JSON.stringify(((await admin.call("CLUSTER", "SLOTS")) as [number, number, [string, number]][]).map(([a, b, [, p]]) => [a, b, p]).sort());
            const synced = !replication.includes("role:slave") || replication.includes("master_link_status:up");
            return { ok: info.includes("cluster_state:ok") && synced, slots };
          }),
        );
        const masters = await this.masters();
        const served = masters.length > 0 && masters.every((m) => this.live().some((n) => n.port === m.port));
        if (served && views.every((v) => v.ok) && new Set(views.map((v) => v.slots)).size === 1) return;
        last = JSON.stringify(views.map((v) => v.ok));
      } catch (err) {
        last = String(err);
      }
      await sleep(200);
    }
    throw new Error(`redis cluster not healthy after ${timeoutMs} ms: ${last}`);
  }

  async stop(): Promise<void> {
    for (const admin of this.admins.values()) admin.disconnect();
    this.admins.clear();
    await Promise.all(
      this.nodes.map(async (n) => {
        if (n.child.exitCode === null && n.child.signalCode === null) n.child.kill("SIGKILL");
        await n.exited;
        await n.proxy?.close();
        rmSync(n.dir, { recursive: true, force: true });
      }),
    );
  }
}
