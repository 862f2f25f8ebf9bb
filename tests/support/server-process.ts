import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { TEST_METRICS_TOKEN } from "./databases.js";

export interface ServerProcess {
  url: string;
  port: number;
  child: ChildProcess;
  logs: string[];
  /** SIGTERM and wait for exit; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: a crash. */
  kill(): Promise<void>;
}

const entry = resolve("server/dist/main.js");

/**
 * Starts the built server (npm test builds it first) as its own process, as production runs
 * it. Resolves once it listens; PORT=0 picks a free port unless env sets one.
 */
export function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, [entry], {
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info", CLIENT_DIST: "", METRICS_TOKEN: TEST_METRICS_TOKEN, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: string[] = [];
  const exited = new Promise<number | null>((resolveExit) => child.once("exit", (code) => resolveExit(code)));
  return new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${logs.join("\n")}`)), 30_000);
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on("line", (line) => {
        logs.push(line);
        const match = /"url":"(http:\/\/[^"]+)"/.exec(line);
        if (match?.[1]) {
          clearTimeout(timer);
          const url = match[1];
          resolveStart({
            url,
            port: Number(new URL(url).port),
            child,
            logs,
            stop: async () => {
              if (child.exitCode === null) child.kill("SIGTERM");
              return exited;
            },
            kill: async () => {
              if (child.exitCode === null) child.kill("SIGKILL");
              await exited;
            },
          });
        }
      });
    }
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${logs.join("\n")}`));
    });
  });
}
