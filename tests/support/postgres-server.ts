import { type ChildProcess, execFileSync, spawn, type SpawnOptions } from "node:child_process";
import { chownSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { freePort } from "./redis-server.js";

/** The newest Debian PostgreSQL installed (/usr/lib/postgresql/<major>/bin). */
function postgresBin(): string {
  const root = "/usr/lib/postgresql";
  const majors = readdirSync(root)
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(b) - Number(a));
  if (!majors[0]) throw new Error(`no PostgreSQL under ${root}`);
  return join(root, majors[0], "bin");
}

/** PostgreSQL refuses to run as root: then it runs as the `postgres` system user. */
function runAs(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }).trim());
  return { uid: id("-u"), gid: id("-g") };
}

/**
 * A PostgreSQL cluster of the test's own, in a fresh temporary directory on a free port, so a
 * fault test can stop and start it without touching the shared one. Trust authentication on
 * 127.0.0.1 only, and no fsync: nothing here must survive a machine crash.
 */
export class PrivatePostgres {
  private child: ChildProcess | null = null;
  private readonly logs: string[] = [];
  private readonly bin = postgresBin();
  private readonly user = runAs();

  private constructor(
    readonly port: number,
    readonly dir: string,
    /** The database created for the test. */
    readonly database: string,
  ) {}

  static async start(database = "educa_chat"): Promise<PrivatePostgres> {
    const dir = mkdtempSync(join(tmpdir(), "educa-chat-pg-"));
    const server = new PrivatePostgres(await freePort(), dir, database);
    try {
      if (server.user) chownSync(dir, server.user.uid, server.user.gid);
      await server.run("initdb", ["-D", server.dataDir, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync", "--locale=C"]);
      await server.up();
      const admin = new pg.Client({ connectionString: server.url("postgres") });
      await admin.connect();
      try {
        await admin.query(`create database ${database}`);
      } finally {
        await admin.end();
      }
      return server;
    } catch (err) {
      await server.destroy();
      throw err;
    }
  }

  url(database = this.database): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/${database}`;
  }

  private get dataDir(): string {
    return join(this.dir, "data");
  }

  private options(): SpawnOptions {
    return { cwd: this.dir, stdio: ["ignore", "pipe", "pipe"], ...(this.user ?? {}), env: { ...process.env, LC_ALL: "C" } };
  }

  private run(program: string, args: string[]): Promise<void> {
    const child = spawn(join(this.bin, program), args, this.options());
    const output: string[] = [];
    child.stdout?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    return new Promise((resolve, reject) => {
      child.once("error", reject);
      child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${program} exited with ${code}:\n${output.join("")}`))));
    });
  }

  /** Starts the server on the same port and data directory; resolves once it accepts queries. */
  async up(): Promise<void> {
    if (this.child) return;
    const settings = {
      listen_addresses: "127.0.0.1",
      port: String(this.port),
      unix_socket_directories: this.dir,
      fsync: "off",
      synchronous_commit: "off",
      full_page_writes: "off",
      max_connections: "50",
    };
    const args = ["-D", this.dataDir, ...Object.entries(settings).flatMap(([k, v]) => ["-c", `${k}=${v}`])];
    const child = spawn(join(this.bin, "postgres"), args, this.options());
    this.child = child;
    for (const stream of [child.stdout, child.stderr]) stream?.on("data", (chunk: Buffer) => this.logs.push(chunk.toString()));
    const exited = new Promise<never>((_, reject) =>
      child.once("exit", (code) => reject(new Error(`postgres exited with ${code}:\n${this.logs.join("").slice(-2000)}`))),
    );
    exited.catch(() => undefined);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const client = new pg.Client({ connectionString: this.url("postgres"), connectionTimeoutMillis: 1000 });
      client.on("error", () => undefined);
      try {
        await Promise.race([client.connect(), exited]);
        await client.query("select 1");
        return;
      } catch (err) {
        if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
          this.child = null;
          if (child.exitCode === null) child.kill("SIGKILL");
          throw err;
        }
        await new Promise((r) => setTimeout(r, 100));
      } finally {
        await client.end().catch(() => undefined);
      }
    }
  }

  /** Fast shutdown (SIGINT): sessions are ended, new connections refused; resolves once it has exited. */
  async down(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGINT");
    const stuck = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(stuck);
  }

  /** Stops the server and removes its directory. */
  async destroy(): Promise<void> {
    await this.down();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
