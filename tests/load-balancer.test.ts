import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_METRICS_TOKEN } from "./support/databases.js";
import { graphql, TestSocket } from "./support/graphql.js";
import { startTopology, type Topology } from "./support/topology.js";

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

/**
 * The production topology as processes: two instances over PostgreSQL and Redis, behind nginx
 * running our own deploy/nginx.conf (only the upstream addresses and port are filled in).
 */
describe("two instances behind the load balancer config", () => {
  let t: Topology;
  let nginx: ChildProcess;
  let dir: string;
  let url: string;

  beforeAll(async () => {
    t = await startTopology("postgresql + redis, two processes", { SEND_RATE_LIMIT: "off" });
    dir = mkdtempSync(join(tmpdir(), "educa-nginx-"));
    const port = await freePort();
    const site = readFileSync(resolve("deploy/nginx.conf"), "utf8")
      .replace(/server app:4000;/, t.urls.map((u) => `server ${new URL(u).host};`).join("\n  "))
      .replace(/listen 80;/, `listen 127.0.0.1:${port};`);
    writeFileSync(join(dir, "site.conf"), site);
    writeFileSync(
      join(dir, "nginx.conf"),
      `pid ${dir}/nginx.pid;\nerror_log ${dir}/error.log warn;\nevents {}\nhttp {\n  access_log off;\n` +
        ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((p) => `  ${p}_temp_path ${dir}/${p};`).join("\n") +
        `\n  include ${dir}/site.conf;\n}\n`,
    );
    nginx = spawn("nginx", ["-p", dir, "-c", join(dir, "nginx.conf"), "-g", "daemon off;"], { stdio: "inherit" });
    url = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 100; i++) {
      const ok = await fetch(`${url}/readyz`).then((r) => r.ok, () => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  afterAll(async () => {
    nginx?.kill("SIGTERM");
    await t?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("spreads requests over both instances and carries subscriptions through the upgrade", async () => {
    const { tokens, roomId } = t.world;
    const socket = await TestSocket.connect(url, tokens.alice);
    expect(socket.frames[0]?.type).toBe("connection_ack");
    const sub = socket.subscribe(`subscription($id: ID!) { messageAdded(courseId: $id) { id content } }`, { id: roomId });
    const send = (content: string) =>
      graphql(url, `mutation($id: ID!, $c: String!) { sendMessage(courseId: $id, content: $c) { id } }`, { id: roomId, c: content }, tokens.bob);
    for (let i = 0; i < 50 && socket.results(sub).length === 0; i++) {
      await send("probe");
      await socket.waitFor(() => socket.results(sub).length > 0, 200).catch(() => undefined);
    }
    const ids = [];
    for (let i = 0; i < 10; i++) ids.push((await send(`through the proxy ${i}`)).data?.["sendMessage"].id);
    await socket.waitFor(() => socket.results(sub).filter((r) => r.data.messageAdded.content.startsWith("through")).length === 10);
    const received = socket.results(sub).map((r) => r.data.messageAdded).filter((m) => m.content.startsWith("through")).map((m) => m.id);
    expect(received).toEqual(ids);
    // Both instances served some of the sends.
    for (const logs of t.logs) expect(logs.filter((l) => l.includes('"path":"/graphql"')).length).toBeGreaterThan(0);
    await socket.close();
  });

  it("keeps /metrics away from the public, even for a request bearing the metrics token", async () => {
    expect((await fetch(`${url}/metrics`)).status).toBe(404);
    expect((await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` } })).status).toBe(404);
  });
});
