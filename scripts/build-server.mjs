// Builds server/dist with tsc, unless it is already newer than everything it is built from:
// `npm run manage`, `schema:emit` and the like then start in a moment instead of a full build.
//   node scripts/build-server.mjs [--root DIR]
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, openSync, readdirSync, statSync, utimesSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** What server/dist is built from: the sources, the compiler settings and the installed packages. */
export const INPUTS = ["server/src", "server/tsconfig.build.json", "tsconfig.json", "package-lock.json"];
export const STAMP = "server/dist/.built";

/** The newest modification time under `path`; folders count too, so a deleted file is a change. */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

/** Whether the last successful build in `root` started before its newest input was written. */
export function isStale(root) {
  const stamp = join(root, STAMP);
  if (!existsSync(stamp)) return true;
  return Math.max(...INPUTS.map((input) => newest(join(root, input)))) >= statSync(stamp).mtimeMs;
}

/** Builds when stale; the stamp takes the build's start time, so an edit made meanwhile counts. */
export function buildServer(root) {
  if (!isStale(root)) return { built: false, status: 0 };
  const started = new Date();
  const tsc = spawnSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", join(root, "server/tsconfig.build.json")], { stdio: "inherit" });
  if (tsc.status !== 0) return { built: true, status: tsc.status ?? 1 };
  const stamp = join(root, STAMP);
  closeSync(openSync(stamp, "w"));
  utimesSync(stamp, started, started);
  return { built: true, status: 0 };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const rootFlag = process.argv.indexOf("--root");
  process.exit(buildServer(rootFlag > 0 ? resolve(process.argv[rootFlag + 1]) : process.cwd()).status);
}
