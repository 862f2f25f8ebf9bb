// npm run dev: the server recompiled and restarted on change, and Vite with hot reload
// (it proxies /graphql, HTTP and WebSocket, to the server on port 4000).
import { spawn, spawnSync } from "node:child_process";

const build = spawnSync("npx", ["tsc", "-p", "server/tsconfig.build.json"], { stdio: "inherit" });
if (build.status !== 0) process.exit(build.status ?? 1);

const children = [
  spawn("npx", ["tsc", "-p", "server/tsconfig.build.json", "--watch", "--preserveWatchOutput"], { stdio: "inherit" }),
  spawn(process.execPath, ["--watch-path=server/dist", "server/dist/main.js"], {
    stdio: "inherit",
    env: { ALLOWED_ORIGINS: "http://localhost:5173", ...process.env, CLIENT_DIST: "" },
  }),
  spawn("npx", ["vite", "--config", "client/vite.config.ts"], { stdio: "inherit" }),
];
const stop = () => children.forEach((c) => c.kill("SIGTERM"));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
