import { fork } from "node:child_process";
import { resolve } from "node:path";
import pg from "pg";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp } from "../support/app.js";
import { freshSqlite, scrapeMetrics, TEST_SECRET, type TestDatabase } from "../support/databases.js";
import { codes, graphql, TestSocket } from "../support/graphql.js";
import { startServerProcess, type ServerProcess } from "../support/server-process.js";
import { openSqliteFile } from "../support/sqlite-file.js";
import { storeMessagesPg, storeMessagesSqlite } from "../support/stored-messages.js";
import { startTopology, type Topology } from "../support/topology.js";
import { seedWorld, type World } from "../support/world.js";

const EVENTS = `subscription($id: ID!, $after: ID) { roomEvents(courseId: $id, after: $after) { kind messageId message { id content } } }`;
const SEND = `mutation($id: ID!, $c: String!) { sendMessage(courseId: $id, content: $c) { id } }`;
const BACKLOG = 200_000;

/**
 * A replaying subscriber that only counts what it receives (parsing every frame would make
 * the test, not the server, the bottleneck) and keeps the frames that matter.
 */
class Replayer {
  frames = 0;
  lastId = 0;
  inOrder = true;
  errors: string[] = [];
  texts: string[] = [];
  closed: number | null = null;
  private constructor(readonly ws: WebSocket) {}

  static async start(url: string, token: string, courseId: string, after: string, keep?: (text: string) => boolean): Promise<Replayer> {
    const ws = new WebSocket(`${url.replace(/^http/, "ws")}/graphql`, "graphql-transport-ws");
    const replayer = new Replayer(ws);
    await new Promise((resolve, reject) => {
      ws.once("open", resolve);
      ws.once("error", reject);
    });
    ws.on("close", (code) => (replayer.closed = code));
    ws.on("message", (data) => {
      const text = String(data);
      if (text.startsWith(`{"type":"connection_ack"`)) {
        ws.send(JSON.stringify({ id: "r", type: "subscribe", payload: { query: EVENTS, variables: { id: courseId, after } } }));
        return;
      }
      if (text.includes(`"type":"error"`)) replayer.errors.push(text);
      if (keep?.(text)) replayer.texts.push(text);
      const match = /"messageId":"(\d+)"/.exec(text);
      if (match) {
        const id = Number(match[1]);
        if (id <= replayer.lastId) replayer.inOrder = false;
        replayer.lastId = id;
        replayer.frames++;
      }
    });
    ws.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${token}` } }));
    return replayer;
  }

  async until(predicate: () => boolean, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out after ${this.frames} frames`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

const p99 = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length * 0.99)] ?? Infinity;
const replayed = async (url: string) => Number(/^educa_chat_messages_delivered_total\{source="replay"\} (\d+)/m.exec(await scrapeMetrics(url))?.[1] ?? 0);

describe("a removed student's replay (postgresql + redis, two processes)", () => {
  let t: Topology;
  let firstId: string;

  beforeAll(async () => {
    t = await startTopology("postgresql + redis, two processes", { SEND_RATE_LIMIT: "off", MAX_RESUME_DEPTH: "1000000" });
    const ids = await storeMessagesPg(
      t.databaseUrl,
      Array.from({ length: BACKLOG }, (_, n) => ({ courseId: t.world.roomId, userId: t.world.userIds.teacher, content: `backlog ${n + 1}` })),
    );
    firstId = String(ids[0]);
    const client = new pg.Client({ connectionString: t.databaseUrl });
    await client.connect();
    // As autovacuum would have by now: the planner needs the table's statistics.
    await client.query("analyze messages");
    await client.end();
  }, 120_000);
  afterAll(async () => t?.stop());

  it("ends the subscription at once, mid-replay, and nothing stored after the removal reaches it", async () => {
    const [a, b] = t.urls;
    const bob = await Replayer.start(a, t.world.tokens.bob, t.world.roomId, firstId, (text) => text.includes("after the removal"));
    await bob.until(() => bob.frames >= 20_000, 20_000);
    const removed = await graphql(b, `mutation($c: ID!, $u: ID!) { removeStudent(courseId: $c, userId: $u) { id } }`, { c: t.world.roomId, u: t.world.userIds.bob }, t.world.tokens.teacher);
    expect(codes(removed)).toEqual([]);
    const atRemoval = bob.frames;
    expect(codes(await graphql(b, SEND, { id: t.world.roomId, c: "posted after the removal" }, t.world.tokens.teacher))).toEqual([]);
    await bob.until(() => bob.errors.length > 0, 10_000);
    const atError = bob.frames;
    await new Promise((r) => setTimeout(r, 500));
    expect(bob.errors[0]).toContain('"FORBIDDEN"');
    // Only what was already on its way; the replay itself went no further.
    expect(atError - atRemoval).toBeLessThan(5_000);
    expect(atRemoval).toBeLessThan(BACKLOG - 50_000);
    expect(bob.frames).toBe(atError);
    expect(bob.texts).toEqual([]);
    expect(bob.inOrder).toBe(true);
    bob.ws.close();
  }, 90_000);
});

describe("replays on SQLite: deep backlogs never stall anyone else", () => {
  let db: TestDatabase;
  let world: World;
  let server: ServerProcess;
  let ids: number[];
  const roomIds = () => {
    const file = openSqliteFile(db.url);
    try {
      return (file.prepare("select id from messages where course_id = ? order by id").all(Number(world.roomId)) as { id: number }[]).map((r) => r.id);
    } finally {
      file.close();
    }
  };

  beforeAll(async () => {
    db = freshSqlite();
    world = await seedWorld(db.url);
    const file = openSqliteFile(db.url);
    storeMessagesSqlite(
      file,
      Array.from({ length: BACKLOG }, (_, n) => ({ courseId: world.roomId, userId: world.userIds.teacher, content: `backlog ${n + 1}` })),
    );
    file.close();
    ids = roomIds();
    server = await startServerProcess({ DATABASE_URL: db.url, SECRET_KEY: TEST_SECRET, SEND_RATE_LIMIT: "off", MAX_RESUME_DEPTH: "250000" });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  // Under 100 samples a p99 is the single worst one, so one stall of a busy machine decides it:
  // a second, independent measurement is taken before calling it a regression.
  it("keeps other requests and sockets within 100 ms (p99) of their time at rest while 20 sockets replay 200,000 messages each, and stops a closed socket's replay at once", { retry: 1, timeout: 60_000 }, async () => {
    const url = server.url;
    const live = await TestSocket.connect(url, world.tokens.alice);
    const liveOp = live.subscribe(EVENTS, { id: world.roomId });
    // What another user meets: a health check, a history page, a message sent and delivered live.
    let n = 0;
    const measure = async (ms: number) => {
      const health: number[] = [];
      const history: number[] = [];
      const delivery: number[] = [];
      for (const until = Date.now() + ms; Date.now() < until; n++) {
        let started = performance.now();
        await fetch(`${url}/healthz`);
        health.push(performance.now() - started);
        started = performance.now();
        await graphql(url, `query($id: ID!) { messages(courseId: $id, last: 20) { id } }`, { id: world.roomId }, world.tokens.alice);
        history.push(performance.now() - started);
        started = performance.now();
        const content = `live ${n}`;
        await graphql(url, SEND, { id: world.roomId, c: content }, world.tokens.teacher);
        await live.waitFor(() => live.results(liveOp).some((r) => r.data?.roomEvents?.message?.content === content));
        delivery.push(performance.now() - started);
        await new Promise((r) => setTimeout(r, 20));
      }
      return { health: p99(health), history: p99(history), delivery: p99(delivery), samples: health.length };
    };
    // The same measurement at rest first: on a machine busy with other work (CI runs test files
    // side by side), what the replays add is what counts, not what the machine costs anyway.
    const atRest = await measure(2000);
    const replayers = fork(resolve("tests/support/replayers.mjs"), [url, world.tokens.bob, world.roomId, String(ids[0]), "20"], { stdio: "ignore" });
    const ask = (command: string) =>
      new Promise<{ frames: number; inOrder: boolean; errors: number; closed: number }>((answer) => {
        replayers.once("message", answer as (m: unknown) => void);
        replayers.send(command);
      });
    try {
      for (let report = await ask("report"); report.frames < 20_000; report = await ask("report")) await new Promise((r) => setTimeout(r, 50));
      const p99s = await measure(4000);
      const report = await ask("report");
      // Still replaying: the measurement was taken under load.
      expect(report.frames).toBeLessThan(20 * BACKLOG);
      expect(report.inOrder && report.errors === 0 && report.closed === 0).toBe(true);
      console.log("p99 (ms) at rest:", atRest, "while 20 sockets replay:", p99s);
      const worst = (m: typeof p99s) => Math.max(m.health, m.history, m.delivery);
      expect(worst(p99s), JSON.stringify({ atRest, p99s })).toBeLessThan(100 + worst(atRest));

      // Closed sockets' replays stop at once.
      await ask("close");
      await new Promise((r) => setTimeout(r, 200));
      const settled = await replayed(url);
      await new Promise((r) => setTimeout(r, 500));
      expect(await replayed(url)).toBe(settled);
    } finally {
      replayers.kill();
      await live.close();
    }
  });

  it("paces a reader that stops reading instead of buffering for it, and it resumes where it was", async () => {
    ids = roomIds();
    const from = ids[ids.length - 30_001]!;
    const slow = await Replayer.start(server.url, world.tokens.bob, world.roomId, String(from));
    await slow.until(() => slow.frames > 0);
    // The client stops reading: the replay must wait for it, not queue the rest in memory.
    (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    await new Promise((r) => setTimeout(r, 2500));
    expect(slow.closed).toBeNull();
    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    await slow.until(() => slow.lastId >= ids[ids.length - 1]!, 30_000);
    expect(slow.inOrder).toBe(true);
    expect(slow.frames).toBe(30_000);
    expect(slow.errors).toEqual([]);
    slow.ws.close();
  });

  it("resumes at most MAX_RESUME_DEPTH messages back; deeper is CANNOT_RESUME", async () => {
    ids = roomIds();
    const app = await startApp({ DATABASE_URL: db.url, MAX_RESUME_DEPTH: "10000" });
    try {
      const socket = await TestSocket.connect(app.url, world.tokens.alice);
      const tooDeep = socket.subscribe(EVENTS, { id: world.roomId, after: String(ids[ids.length - 10_002]) });
      const deepest = socket.subscribe(EVENTS, { id: world.roomId, after: String(ids[ids.length - 10_001]) });
      await socket.waitFor(() => socket.frames.some((f) => f.id === tooDeep && f.type === "error") && socket.results(deepest).length > 0, 15_000);
      expect(socket.frames.find((f) => f.id === tooDeep)?.payload[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "CANNOT_RESUME" });
      expect(socket.results(deepest)[0].data.roomEvents.kind).toBe("MessageAdded");
      await socket.close();
    } finally {
      await app.stop();
    }
  });
});
