import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { App } from "../server/src/app.js";
import type { TestDatabase } from "./support/databases.js";
import { startSeededApp } from "./support/app.js";
import { graphql, RecordingSocket } from "./support/graphql.js";
import { PASSWORD, type World } from "./support/world.js";

// The wire format of each transport, byte by byte where a client library depends on it.

const ROOM = "subscription ($id: ID!, $after: ID) { messageAdded(courseId: $id, after: $after) { id content } }";
const SEND = "mutation ($id: ID!, $c: String!) { sendMessage(courseId: $id, content: $c) { id } }";
type Frame = { type: string; id?: string; payload?: any };

/** A socket speaking whatever subprotocol it is given, frames as parsed JSON. */
class RawSocket extends RecordingSocket<Frame> {
  static async open(url: string, protocols: string[]): Promise<RawSocket> {
    const ws = new WebSocket(`${url.replace(/^http/, "ws")}/graphql`, protocols);
    const socket = new RawSocket(ws, (text) => JSON.parse(text) as Frame, 10_000);
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    return socket;
  }
  send(frame: unknown): void {
    this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }
}

/** A streaming response read as text as it arrives. */
async function stream(url: string, accept: string, token: string, body: unknown) {
  const abort = new AbortController();
  const res = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", accept, authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
    signal: abort.signal,
  });
  const read = { text: "", done: false, res };
  void (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) read.text += decoder.decode(chunk, { stream: true });
    } catch {
      // aborted
    }
    read.done = true;
  })();
  return Object.assign(read, { abort: () => abort.abort() });
}

const MULTIPART = "multipart/mixed;subscriptionSpec=1.0,application/json";

describe("transport wire formats", () => {
  let app: App;
  let db: TestDatabase;
  let world: World;
  const sockets: RawSocket[] = [];
  const aborts: (() => void)[] = [];

  beforeAll(async () => {
    ({ app, db, world } = await startSeededApp({
      TOKEN_TTL: "2s",
      MAX_SOCKETS_PER_USER: "2",
      CONNECTION_INIT_TIMEOUT_MS: "1000",
      SEND_RATE_LIMIT: "off",
      MAX_SOCKET_BUFFER_BYTES: "300000",
    }));
  });
  afterAll(async () => {
    aborts.forEach((abort) => abort());
    await Promise.all(sockets.map((s) => s.close()));
    await app?.stop();
    await db?.drop();
  });

  const open = async (protocols: string[]) => {
    const socket = await RawSocket.open(app.url, protocols);
    sockets.push(socket);
    return socket;
  };
  const send = (content: string) => graphql(app.url, SEND, { id: world.roomId, c: content }, world.tokens.bob);

  it("speaks the legacy graphql-ws subprotocol: ack and ka, a start right behind the init, data, complete, stop", async () => {
    const socket = await open(["graphql-ws"]);
    expect(socket.ws.protocol).toBe("graphql-ws");
    // Apollo Kotlin's samples put the token under headers; the JS client does not wait for the ack.
    socket.send({ type: "connection_init", payload: { headers: { Authorization: `Bearer ${world.tokens.alice}` } } });
    socket.send({ id: "q", type: "start", payload: { query: "{ me { username } }" } });
    await socket.waitFor(() => socket.frames.some((f) => f.id === "q" && f.type === "complete"));
    expect(socket.frames.map((f) => f.type)).toEqual(["connection_ack", "ka", "data", "complete"]);
    expect(socket.frames[2]).toEqual({ id: "q", type: "data", payload: { data: { me: { username: "alice" } } } });

    const latest = await graphql(app.url, "query ($id: ID!) { messages(courseId: $id, last: 1) { id } }", { id: world.roomId }, world.tokens.bob);
    const after = latest.data!["messages"][0]?.id as string | undefined;
    socket.send({ id: "room", type: "start", payload: { query: ROOM, variables: { id: world.roomId, after } } });
    // A start reusing a running id replaces it, as the library's own server did: one delivery, not two.
    socket.send({ id: "room", type: "start", payload: { query: ROOM, variables: { id: world.roomId, after } } });
    await send("legacy live");
    await socket.waitFor(() => socket.frames.some((f) => f.id === "room" && f.type === "data"));
    // A query answered after it: a second delivery of the same event would have come before.
    socket.send({ id: "q1", type: "start", payload: { query: "{ me { id } }" } });
    await socket.waitFor(() => socket.frames.some((f) => f.id === "q1" && f.type === "complete"));
    expect(socket.frames.filter((f) => f.id === "room").map((f) => [f.type, f.payload?.data?.messageAdded?.content])).toEqual([["data", "legacy live"]]);
    socket.send({ id: "room", type: "stop" });
    socket.send({ id: "bad", type: "start", payload: { query: "{ nope }" } });
    await socket.waitFor(() => socket.frames.some((f) => f.id === "bad"));
    // One error object, not an array: Apollo Kotlin reads the payload as a map.
    expect(socket.frames.find((f) => f.id === "bad")).toEqual({ id: "bad", type: "error", payload: expect.objectContaining({ extensions: { code: "GRAPHQL_VALIDATION_FAILED" } }) });
    const before = socket.frames.length;
    await send("after the stop");
    socket.send({ id: "q2", type: "start", payload: { query: "{ me { id } }" } });
    await socket.waitFor(() => socket.frames.some((f) => f.id === "q2" && f.type === "complete"));
    expect(socket.frames.slice(before).filter((f) => f.id === "room")).toEqual([]);
    socket.send({ type: "connection_terminate" });
    await socket.waitFor(() => socket.closed !== null);
    expect(socket.closed?.code).toBe(1000);
  });

  it("refuses a legacy init with connection_error, then 4401; a malformed frame with 4400; a silent socket with 4408", async () => {
    const refused = await open(["graphql-ws"]);
    refused.send({ type: "connection_init", payload: { authorization: "Bearer not-a-token" } });
    await refused.waitFor(() => refused.closed !== null);
    expect(refused.frames).toEqual([{ type: "connection_error", payload: { message: expect.any(String), extensions: { code: "UNAUTHENTICATED" } } }]);
    expect(refused.closed?.code).toBe(4401);

    const garbled = await open(["graphql-ws"]);
    garbled.send("{not json");
    await garbled.waitFor(() => garbled.closed !== null);
    expect(garbled.closed?.code).toBe(4400);

    const silent = await open(["graphql-ws"]);
    await silent.waitFor(() => silent.closed !== null, 5000);
    expect(silent.closed?.code).toBe(4408);
  });

  it("chooses the subprotocol the client offers, and says which it speaks when it offers neither", async () => {
    const both = await open(["graphql-ws", "graphql-transport-ws"]);
    expect(both.ws.protocol).toBe("graphql-transport-ws");
    await both.close();

    const unknown = new WebSocket(`${app.url.replace(/^http/, "ws")}/graphql`, ["graphql-over-carrier-pigeon"]);
    const refusal = await new Promise<{ status: number; body: string }>((resolve) =>
      unknown.once("unexpected-response", (_req, res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += String(chunk)));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      }),
    );
    expect(refusal).toEqual({ status: 400, body: "Subprotocol not acceptable: use graphql-transport-ws or graphql-ws.\n" });

    const none = await open([]);
    await none.waitFor(() => none.closed !== null);
    expect(none.closed).toEqual({ code: 4406, reason: "Subprotocol not acceptable: use graphql-transport-ws or graphql-ws" });
  });

  it("frames multipart parts as Apollo's clients read them, and ends the stream at the token's deadline", async () => {
    const login = await graphql(app.url, "mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { token } }", { u: "alice", p: PASSWORD });
    const token = login.data!["login"].token as string;
    const opened = Date.now();
    const multipart = await stream(app.url, MULTIPART, token, { query: ROOM, variables: { id: world.roomId } });
    aborts.push(multipart.abort);
    expect(multipart.res.headers.get("content-type")).toBe('multipart/mixed;boundary="graphql";subscriptionSpec=1.0');
    const part = (json: string) => `\r\ncontent-type: application/json\r\n\r\n${json}\r\n--graphql`;
    // The opening heartbeat comes at once: the client knows the subscription is up (the
    // server-wide heartbeat may add another if its tick falls just then).
    const onlyHeartbeats = (text: string) => text.startsWith("--graphql") && text.slice("--graphql".length).split(part("{}")).every((rest) => rest === "");
    await expect.poll(() => multipart.text.length > "--graphql".length && onlyHeartbeats(multipart.text)).toBe(true);
    const { data } = await send("over multipart");
    const id = (data as { sendMessage: { id: string } }).sendMessage.id;
    await expect.poll(() => multipart.text).toContain(part(`{"payload":{"data":{"messageAdded":{"id":"${id}","content":"over multipart"}}}}`));
    // Its token lasts 2 s: then a transport-level error, and the closing delimiter.
    await expect.poll(() => multipart.done, { timeout: 6000 }).toBe(true);
    expect(Date.now() - opened).toBeLessThan(5000);
    const ending = `${part(JSON.stringify({ payload: null, errors: [{ message: "The token expired: renew it (or log in), then subscribe again with after.", extensions: { code: "UNAUTHENTICATED" } }] }))}--`;
    expect(multipart.text.endsWith(ending)).toBe(true);
  });

  it("frames server-sent events as graphql-sse's distinct connections mode, and ends at the token's deadline", async () => {
    const login = await graphql(app.url, "mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { token } }", { u: "alice", p: PASSWORD });
    const token = login.data!["login"].token as string;
    const sse = await stream(app.url, "text/event-stream", token, { query: ROOM, variables: { id: world.roomId } });
    aborts.push(sse.abort);
    expect(sse.res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    // The opening comment and a first heartbeat at once; the server-wide heartbeat may add
    // another if its tick falls just then.
    await expect.poll(() => sse.text).toMatch(/^:\n\n:\n\n(:\n\n)*$/);
    const { data } = await send("over sse");
    const id = (data as { sendMessage: { id: string } }).sendMessage.id;
    await expect.poll(() => sse.text).toContain(`event: next\ndata: {"data":{"messageAdded":{"id":"${id}","content":"over sse"}}}\n\n`);
    // Over GET too (the teacher's own quota: this stream may still count a moment after its abort), but never a mutation.
    const abort = new AbortController();
    const subscribed = await fetch(`${app.url}/graphql?${new URLSearchParams({ query: ROOM, variables: JSON.stringify({ id: world.roomId }) })}`, {
      headers: { accept: "text/event-stream", authorization: `Bearer ${world.tokens.teacher}` },
      signal: abort.signal,
    });
    expect([subscribed.status, subscribed.headers.get("content-type")]).toEqual([200, "text/event-stream; charset=utf-8"]);
    abort.abort();
    const search = new URLSearchParams({ query: SEND, variables: JSON.stringify({ id: world.roomId, c: "over GET" }) });
    const get = await fetch(`${app.url}/graphql?${search}`, { headers: { accept: "text/event-stream", authorization: `Bearer ${world.tokens.teacher}` } });
    expect([get.status, ((await get.json()) as { errors: { extensions: unknown }[] }).errors[0]?.extensions]).toEqual([405, { code: "BAD_USER_INPUT" }]);
    // A client that prefers event streams (graphql-sse's) gets its queries the same way.
    const query = await stream(app.url, "text/event-stream", token, { query: "{ me { username } }" });
    await expect.poll(() => query.done).toBe(true);
    expect(query.text).toBe(`:\n\n:\n\nevent: next\ndata: {"data":{"me":{"username":"alice"}}}\n\nevent: complete\ndata:\n\n`);
    await expect.poll(() => sse.done, { timeout: 6000 }).toBe(true);
    expect(sse.text.endsWith(`data: {"errors":[{"message":"The token expired: renew it (or log in), then subscribe again with after.","extensions":{"code":"UNAUTHENTICATED"}}]}\n\nevent: complete\ndata:\n\n`)).toBe(true);
  });

  it("replays a backlog at the pace of a client that stops reading, instead of buffering it or cutting the client off", async () => {
    const latest = await graphql(app.url, "query ($id: ID!) { messages(courseId: $id, last: 1) { id } }", { id: world.roomId }, world.tokens.teacher);
    const after = latest.data!["messages"][0]?.id as string;
    // About 800 kB of backlog, more than the 300 kB the server buffers for one client.
    const backlog = Array.from({ length: 400 }, (_, i) => `${String(i).padStart(4, "0")} ${"x".repeat(2000)}`);
    for (let i = 0; i < backlog.length; i += 20) await Promise.all(backlog.slice(i, i + 20).map((c) => graphql(app.url, SEND, { id: world.roomId, c }, world.tokens.teacher)));
    const abort = new AbortController();
    aborts.push(() => abort.abort());
    const res = await fetch(`${app.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream", authorization: `Bearer ${world.tokens.teacher}` },
      body: JSON.stringify({ query: ROOM, variables: { id: world.roomId, after } }),
      signal: abort.signal,
    });
    // The slow reader: nothing is read for a while (there is no event to wait for, only time passing).
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const decoder = new TextDecoder();
    let text = "";
    void (async () => {
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) text += decoder.decode(chunk, { stream: true });
      } catch {
        // cut off, or aborted below
      }
    })();
    await expect.poll(() => text.split("event: next").length - 1, { timeout: 15_000 }).toBe(backlog.length);
    abort.abort();
    const contents = [...text.matchAll(/"content":"(\d{4}) /g)].map((m) => m[1]);
    expect(contents).toEqual(backlog.map((c) => c.slice(0, 4)));
  });

  it("counts HTTP streams and sockets against one quota per user, and ends every stream when the server stops", async () => {
    const socket = await open(["graphql-ws"]);
    socket.send({ type: "connection_init", payload: { authorization: `Bearer ${world.tokens.bob}` } });
    await socket.waitFor(() => socket.frames.some((f) => f.type === "connection_ack"));
    const first = await stream(app.url, MULTIPART, world.tokens.bob, { query: ROOM, variables: { id: world.roomId } });
    aborts.push(first.abort);
    await expect.poll(() => first.text).toContain("{}");

    const over = await fetch(`${app.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: MULTIPART, authorization: `Bearer ${world.tokens.bob}` },
      body: JSON.stringify({ query: ROOM, variables: { id: world.roomId } }),
    });
    expect([over.status, over.headers.get("retry-after")]).toEqual([429, "5"]);
    expect(((await over.json()) as { errors: { extensions: unknown }[] }).errors[0]?.extensions).toEqual({ code: "RATE_LIMITED", reason: "TOO_MANY_CONNECTIONS", retryAfterSeconds: 5 });
    const overSse = await stream(app.url, "text/event-stream", world.tokens.bob, { query: ROOM, variables: { id: world.roomId } });
    await expect.poll(() => overSse.done).toBe(true);
    expect(overSse.text).toContain('"extensions":{"code":"RATE_LIMITED","reason":"TOO_MANY_CONNECTIONS","retryAfterSeconds":5}');

    await app.stop();
    await expect.poll(() => first.done).toBe(true);
    expect(first.text).toContain('"payload":null,"errors":[{"message":"This server instance is shutting down');
    expect(first.text.endsWith("--")).toBe(true);
    await socket.waitFor(() => socket.closed !== null);
    expect(socket.closed?.code).toBe(1001);
    expect(socket.frames.at(-1)).toEqual({ type: "connection_error", payload: expect.objectContaining({ extensions: expect.objectContaining({ reason: "SERVICE_UNAVAILABLE", retryable: true }) }) });
  });
});
