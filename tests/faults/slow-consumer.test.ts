import { readFileSync } from "node:fs";
import type { Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshSqlite, TEST_SECRET, type TestDatabase, scrapeMetrics } from "../support/databases.js";
import { graphql, TestSocket } from "../support/graphql.js";
import { type ServerProcess, startServerProcess } from "../support/server-process.js";
import { seedWorld, type World } from "../support/world.js";

const SEND = `mutation($id: ID!, $c: String!) { sendMessage(courseId: $id, content: $c) { id } }`;
const ADDED = `subscription($id: ID!, $after: ID) { messageAdded(courseId: $id, after: $after) { id content } }`;
const AFTER = `query($id: ID!, $after: ID) { messages(courseId: $id, last: 100, after: $after) { id } }`;

const MAX_BUFFER = 1024 * 1024;
const STALLED_SUBSCRIPTIONS = 50;
const WARM_UP = 100;
/** Room traffic while one client stalls: past the 1 MiB bound and the kernel's socket buffers (a few MiB on loopback) within a few dozen. */
const FLOOD = 800;
const RSS_GROWTH_BOUND = 150 * 2 ** 20;
/** Near the 4000-character maximum (room for a label in front), four UTF-8 bytes each. */
const BODY = "\u{1F600}".repeat(3950);
const BODY_BYTES = Buffer.byteLength(BODY);

const rssBytes = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]) * 1024;

async function openSockets(url: string): Promise<number> {
  const text = await scrapeMetrics(url);
  return Number(/^educa_chat_websockets_open (\d+)/m.exec(text)?.[1]);
}

/**
 * A subscriber whose client stops reading (its TCP socket paused: the kernel buffers fill and
 * the server's writes back up) is cut off once what the server holds for it passes
 * MAX_SOCKET_BUFFER_BYTES; server memory stays flat and the room goes on for everyone else.
 */
describe("a subscriber that stops reading", () => {
  let db: TestDatabase;
  let server: ServerProcess;
  let world: World;

  beforeAll(async () => {
    db = freshSqlite();
    world = await seedWorld(db.url);
    server = await startServerProcess({
      DATABASE_URL: db.url,
      SECRET_KEY: TEST_SECRET,
      SEND_RATE_LIMIT: "off",
      MAX_SOCKET_BUFFER_BYTES: String(MAX_BUFFER),
      MAX_SUBSCRIPTIONS_PER_SOCKET: String(STALLED_SUBSCRIPTIONS),
    });
  });
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  it("is disconnected, without growing server memory, while the room goes on", async () => {
    const { url } = server;
    const { roomId, tokens } = world;
    const send = async (count: number, label: string) => {
      for (let done = 0; done < count; done += 20) {
        const batch = await Promise.all(
          Array.from({ length: Math.min(20, count - done) }, (_, i) => graphql(url, SEND, { id: roomId, c: `${label} ${done + i} ${BODY}` }, tokens.staff)),
        );
        expect(batch.flatMap((r) => r.errors ?? [])).toEqual([]);
      }
    };
    const start = (await graphql(url, SEND, { id: roomId, c: "before" }, tokens.staff)).data?.["sendMessage"].id as string;
    const reader = await TestSocket.connect(url, tokens.alice);
    const readerSub = reader.subscribe(ADDED, { id: roomId, after: start });
    // Warm up (JIT, pools, heap) so that RSS is measured from a steady state.
    await send(WARM_UP, "warm-up");
    await reader.waitFor(() => reader.results(readerSub).length === WARM_UP, 20_000);
    // The stalled client holds STALLED_SUBSCRIPTIONS copies of the room on one socket, so what
    // the server owes it grows many times faster than the room's traffic. All of them are
    // live once each has received the same first message.
    const stalled = await TestSocket.connect(url, tokens.bob);
    const warmedUp = reader.results(readerSub).at(-1).data.messageAdded.id as string;
    for (let i = 0; i < STALLED_SUBSCRIPTIONS; i++) stalled.subscribe(ADDED, { id: roomId, after: warmedUp });
    await send(1, "first for the stalled client");
    await stalled.waitFor(() => stalled.frames.filter((f) => f.type === "next").length === STALLED_SUBSCRIPTIONS, 20_000);
    expect(await openSockets(url)).toBe(2);

    // From here on, bob's client reads nothing: the TCP socket under the WebSocket is paused.
    const tcp = (stalled.ws as unknown as { _socket: Socket })._socket;
    tcp.pause();
    const rssBefore = rssBytes(server.child.pid!);
    let rssPeak = rssBefore;
    let cutOffAfter: number | null = null;
    const trace: number[] = [];
    for (let sent = 0; sent < FLOOD; sent += 100) {
      await send(100, `flood ${sent}`);
      rssPeak = Math.max(rssPeak, rssBytes(server.child.pid!));
      trace.push(Math.round(rssBytes(server.child.pid!) / 2 ** 20));
      if (cutOffAfter === null && (await openSockets(url)) === 1) cutOffAfter = sent + 100;
    }
    const owed = FLOOD * STALLED_SUBSCRIPTIONS * BODY_BYTES;
    console.log(
      `slow consumer cut off within ${cutOffAfter} messages; owed ~${(owed / 2 ** 20).toFixed(0)} MiB over ${FLOOD} messages; ` +
        `server RSS ${(rssBefore / 2 ** 20).toFixed(0)} → ${trace.join(",")} peak ${(rssPeak / 2 ** 20).toFixed(0)} MiB`,
    );

    // The server cut it off itself, for its buffer, early in the flood; not a client timeout.
    expect(cutOffAfter).not.toBeNull();
    expect(cutOffAfter!).toBeLessThanOrEqual(FLOOD / 2);
    expect(server.logs.some((l) => l.includes("slow consumer disconnected"))).toBe(true);
    // Buffering everything for it would have cost over three times the bound; the growth seen
    // (mostly heap the flood itself churns through, plus the 1 MiB allowed) stays under it.
    expect(owed).toBeGreaterThan(3 * RSS_GROWTH_BOUND);
    expect(rssPeak - rssBefore).toBeLessThan(RSS_GROWTH_BOUND);

    // Reading again, the stalled client finds its connection gone.
    tcp.resume();
    await stalled.waitFor(() => stalled.closed !== null, 15_000);
    expect(stalled.closed?.code).toBe(1006);

    // The reader got everything, in order, once.
    const stored: string[] = [];
    for (;;) {
      const page = (await graphql(url, AFTER, { id: roomId, after: stored.at(-1) ?? start }, tokens.teacher)).data?.["messages"] as { id: string }[];
      stored.push(...page.map((m) => m.id));
      if (page.length < 100) break;
    }
    expect(stored.length).toBe(WARM_UP + 1 + FLOOD);
    await reader.waitFor(() => reader.results(readerSub).length >= stored.length, 20_000);
    expect(reader.results(readerSub).map((r) => r.data.messageAdded.id)).toEqual(stored);
    expect(reader.closed).toBeNull();
    await reader.close();
  }, 55_000);
});
