import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type { Logger } from "pino";
import type { SqliteConnection } from "./sqlite-connection.js";

/** How often the thread copies the write-ahead log back into the database file. */
const CHECKPOINT_EVERY_MS = 250;

// The worker's own code: a second connection to the same file that runs PASSIVE checkpoints
// (they never block the writer). Evaluated rather than loaded from a file, so it runs the same
// from the built server and from the sources under test.
const WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.module);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma("busy_timeout = 5000");
const timer = setInterval(() => {
  try {
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.message || err) });
  }
}, workerData.everyMs);
parentPort.on("message", () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * SQLite's checkpoints off the event loop. By default the connection that commits copies the
 * log back into the database once it passes 1,000 pages, inside that commit: more than half of
 * a busy server's SQLite time, and a stall for every request waiting behind it. Here the
 * server's connection never checkpoints; a worker thread does, four times a second. Should the
 * thread fail, the connection checkpoints again as before.
 */
export class SqliteCheckpointer {
  private worker: Worker | null = null;

  constructor(
    private readonly connection: SqliteConnection,
    private readonly path: string,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    await this.setAutomatic(false);
    // A log that grew under a burst is cut back to this size once it has been copied.
    await this.connection.run((_db, prepare) => prepare("pragma journal_size_limit = 67108864").get());
    const worker = new Worker(WORKER, {
      eval: true,
      workerData: { module: createRequire(import.meta.url).resolve("better-sqlite3"), path: this.path, everyMs: CHECKPOINT_EVERY_MS },
    });
    worker.unref();
    worker.on("message", (message: { error?: string }) => {
      if (message.error) this.logger.warn({ err: message.error }, "sqlite checkpoint failed; will try again");
    });
    worker.on("error", (err) => {
      this.logger.warn({ err }, "sqlite checkpoint thread failed; the server's connection checkpoints instead");
      this.worker = null;
      void this.setAutomatic(true).catch(() => undefined);
    });
    this.worker = worker;
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
    worker.postMessage("stop");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    await worker.terminate();
  }

  private async setAutomatic(on: boolean): Promise<void> {
    await this.connection.run((_db, prepare) => prepare(`pragma wal_autocheckpoint = ${on ? 1000 : 0}`).get());
  }
}
