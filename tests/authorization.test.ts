import { spawn } from "node:child_process";
import { resolve } from "node:path";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scrapeMetrics, TEST_SECRET } from "./support/databases.js";
import { codes, graphql, TestSocket } from "./support/graphql.js";
import { startTopology, type Topology, type TopologyKind } from "./support/topology.js";
import { PASSWORD } from "./support/world.js";

const ADMIN = `query { adminMessages(first: 5) { totalCount } }`;
const SET_ROLE = `mutation($u: String!, $r: Role!) { setRole(username: $u, role: $r) { role } }`;
const EVENTS = `subscription($id: ID!, $after: ID) { roomEvents(courseId: $id, after: $after) { kind messageId message { id content } } }`;
const SEND = `mutation($id: ID!, $c: String!) { sendMessage(courseId: $id, content: $c) { id } }`;
const ENROLL = `mutation($id: ID!) { enroll(courseId: $id) { id isMember isRemoved } }`;

/** `npm run manage -- set-role`, as an operator runs it against the same database. */
function manageSetRole(databaseUrl: string, username: string, role: string): Promise<number | null> {
  const child = spawn(process.execPath, [resolve("server/dist/cli/manage.js"), "set-role", "--username", username, "--role", role], {
    env: { ...process.env, DATABASE_URL: databaseUrl, SECRET_KEY: TEST_SECRET, LOG_LEVEL: "silent" },
    stdio: "ignore",
  });
  return new Promise((done) => child.once("exit", (code) => done(code)));
}

/** Runs one query or mutation over an open socket; its result (next) or errors (error frame). */
async function over(socket: TestSocket, query: string, variables: Record<string, unknown> = {}): Promise<{ data?: any; errors?: any[] }> {
  const id = socket.subscribe(query, variables);
  await socket.waitFor(() => socket.frames.some((f) => f.id === id && (f.type === "next" || f.type === "error")));
  const frame = socket.frames.find((f) => f.id === id && (f.type === "next" || f.type === "error"))!;
  return frame.type === "error" ? { errors: frame.payload } : frame.payload;
}

const within = async (ms: number, check: () => Promise<boolean>) => {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return Date.now();
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe.each<TopologyKind>(["sqlite, one instance", "postgresql + redis, two processes"])("authorization on open connections (%s)", (kind) => {
  let t: Topology;
  let a: string;
  let b: string;
  const sockets: TestSocket[] = [];
  const connect = async (url: string, token: string) => {
    const socket = await TestSocket.connect(url, token);
    sockets.push(socket);
    return socket;
  };
  const login = async (username: string) =>
    (await graphql(a, `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`, { u: username, p: PASSWORD })).data!["login"].token as string;

  beforeAll(async () => {
    t = await startTopology(kind, { SEND_RATE_LIMIT: "off", NODE_ENV: "production", MAX_SUBSCRIPTIONS_PER_SOCKET: "5", MAX_SOCKETS_PER_USER: "3" });
    [a, b] = t.urls;
  });
  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close()));
    await t?.stop();
  });

  it("takes a demotion away at once from a socket opened before it, on every instance, whether made in the API or by set-role", async () => {
    await graphql(a, `mutation { register(username: "mallory", password: "${PASSWORD}") { token } }`);
    for (const demote of ["api", "manage"] as const) {
      expect((await graphql(b, SET_ROLE, { u: "mallory", r: "Staff" }, t.world.tokens.staff)).data?.["setRole"]).toEqual({ role: "Staff" });
      const token = await login("mallory");
      const socket = await connect(a, token);
      expect((await over(socket, ADMIN)).errors).toBeUndefined();
      // Staff may follow any room; a student only the rooms they are enrolled in.
      const room = socket.subscribe(EVENTS, { id: t.world.otherRoomId });
      await within(5000, async () => {
        await graphql(b, SEND, { id: t.world.otherRoomId, c: `before the ${demote} demotion` }, t.world.tokens.teacher);
        return socket.results(room).some((r) => r.data?.roomEvents?.message?.content === `before the ${demote} demotion`);
      });

      if (demote === "api") expect(codes(await graphql(b, SET_ROLE, { u: "mallory", r: "Student" }, t.world.tokens.staff))).toEqual([]);
      else expect(await manageSetRole(t.databaseUrl, "mallory", "student")).toBe(0);
      const demotedAt = Date.now();
      // The room she may no longer see ends, and every later operation on the same socket is refused.
      await socket.waitFor(() => socket.frames.some((f) => f.id === room && f.type === "error"), 2500);
      expect(Date.now() - demotedAt).toBeLessThan(2000);
      expect(socket.frames.find((f) => f.id === room && f.type === "error")?.payload[0].extensions.code).toBe("FORBIDDEN");
      expect(codes(await over(socket, ADMIN))).toEqual(["FORBIDDEN"]);
      expect(codes(await over(socket, SET_ROLE, { u: "mallory", r: "Staff" }))).toEqual(["FORBIDDEN"]);
      expect(codes(await graphql(a, ADMIN, {}, token))).toEqual(["FORBIDDEN"]);
      expect(codes(await graphql(b, SET_ROLE, { u: "mallory", r: "Staff" }, token))).toEqual(["FORBIDDEN"]);
      await socket.close();
    }
  });

  it("remembers a removal: the student cannot enrol again by themselves until staff or the instructor re-admits them", async () => {
    const remove = `mutation($c: ID!, $u: ID!) { removeStudent(courseId: $c, userId: $u) { id } }`;
    const readmit = `mutation($c: ID!, $u: ID!) { readmitStudent(courseId: $c, userId: $u) { id } }`;
    const removed = `query($c: ID!) { removedStudents(courseId: $c) { username } }`;
    const room = t.world.roomId;
    const bob = t.world.tokens.bob;
    expect(codes(await graphql(b, remove, { c: room, u: t.world.userIds.bob }, t.world.tokens.teacher))).toEqual([]);
    const again = await graphql(a, ENROLL, { id: room }, bob);
    expect(codes(again)).toEqual(["FORBIDDEN"]);
    expect(again.errors?.[0]?.extensions?.["reason"]).toBe("REMOVED");
    expect(codes(await graphql(a, `query($id: ID!) { messages(courseId: $id) { id } }`, { id: room }, bob))).toEqual(["FORBIDDEN"]);
    const seen = await graphql(a, `query($id: ID!) { course(id: $id) { isMember isRemoved } }`, { id: room }, bob);
    expect(seen.data?.["course"]).toEqual({ isMember: false, isRemoved: true });
    expect((await graphql(a, removed, { c: room }, t.world.tokens.teacher)).data?.["removedStudents"]).toEqual([{ username: "bob" }]);
    // Only a moderator re-admits; then bob is a member again, and leaving is not a removal.
    expect(codes(await graphql(a, readmit, { c: room, u: t.world.userIds.bob }, t.world.tokens.alice))).toEqual(["FORBIDDEN"]);
    expect(codes(await graphql(a, readmit, { c: room, u: t.world.userIds.bob }, t.world.tokens.staff))).toEqual([]);
    expect((await graphql(b, `query($id: ID!) { course(id: $id) { isMember isRemoved } }`, { id: room }, bob)).data?.["course"]).toEqual({ isMember: true, isRemoved: false });
    expect(codes(await graphql(b, `mutation($id: ID!) { leaveCourse(courseId: $id) { id } }`, { id: room }, bob))).toEqual([]);
    expect((await graphql(a, ENROLL, { id: room }, bob)).data?.["enroll"]).toEqual({ id: room, isMember: true, isRemoved: false });
  });

  it("answers enroll on a course that does not exist with the room guard's FORBIDDEN", async () => {
    const missing = await graphql(a, ENROLL, { id: "987654" }, t.world.tokens.outsider);
    const notMember = await graphql(a, `query($id: ID!) { messages(courseId: $id) { id } }`, { id: t.world.roomId }, t.world.tokens.outsider);
    expect(codes(missing)).toEqual(["FORBIDDEN"]);
    expect(missing.errors?.[0]?.message).toBe(notMember.errors?.[0]?.message);
    expect(missing.errors?.[0]?.extensions).toEqual(notMember.errors?.[0]?.extensions);
  });

  it("refuses a subscribe whose id is in use (4409), frees an id on complete, and leaves nothing running", async () => {
    const baseline = async () => Number(/^educa_chat_subscriptions_active (\d+)/m.exec(await scrapeMetrics(a))?.[1]);
    const before = await baseline();
    const socket = await connect(a, t.world.tokens.alice);
    // Rapid subscribe/complete pairs reusing one id, without waiting for anything.
    for (let i = 0; i < 120; i++) {
      socket.send({ id: "reused", type: "subscribe", payload: { query: EVENTS, variables: { id: t.world.roomId } } });
      socket.send({ id: "reused", type: "complete" });
    }
    // The completed ones still being set up hold their places; a client retries a refusal.
    const keep = () => socket.send({ id: "kept", type: "subscribe", payload: { query: EVENTS, variables: { id: t.world.roomId } } });
    const refused = () => socket.frames.filter((f) => f.id === "kept" && f.type === "error").length;
    for (let attempt = 0; attempt < 50; attempt++) {
      const before = refused();
      keep();
      await socket.settle(); // a refusal is answered before the pong
      if (refused() === before) break;
    }
    const probe = `id reuse probe ${kind}`;
    await within(5000, async () => {
      await graphql(b, SEND, { id: t.world.roomId, c: probe }, t.world.tokens.teacher);
      return socket.results("kept").some((r) => r.data?.roomEvents?.message?.content === probe);
    });
    const message = socket.results("kept").find((r) => r.data?.roomEvents?.message?.content === probe)!.data.roomEvents.message.id;
    await new Promise((r) => setTimeout(r, 300));
    const deliveries = socket.frames.filter((f) => f.type === "next" && f.payload?.data?.roomEvents?.message?.id === message);
    expect(deliveries.map((f) => f.id)).toEqual(["kept"]);
    await within(3000, async () => (await baseline()) === before + 1);

    // An id still in use may not start a second operation.
    socket.send({ id: "kept", type: "subscribe", payload: { query: EVENTS, variables: { id: t.world.roomId } } });
    await socket.waitFor(() => socket.closed !== null);
    expect(socket.closed?.code).toBe(4409);
    await within(3000, async () => (await baseline()) === before);
  });

  it("counts every running operation against the per-connection cap", async () => {
    const socket = await connect(a, t.world.tokens.alice);
    const ids = Array.from({ length: 5 }, () => socket.subscribe(EVENTS, { id: t.world.roomId }));
    const sixth = socket.subscribe(EVENTS, { id: t.world.roomId });
    await socket.waitFor(() => socket.frames.some((f) => f.id === sixth && f.type === "error"));
    expect(socket.frames.find((f) => f.id === sixth)?.payload[0].extensions.code).toBe("BAD_USER_INPUT");
    // Once they are live, completing one frees its place at once (one still being set up holds it).
    await within(5000, async () => {
      await graphql(b, SEND, { id: t.world.roomId, c: `cap probe ${kind}` }, t.world.tokens.teacher);
      return ids.every((id) => socket.results(id).some((r) => r.data?.roomEvents?.message?.content === `cap probe ${kind}`));
    });
    socket.complete(ids[0]!);
    const replacement = socket.subscribe(EVENTS, { id: t.world.roomId });
    await new Promise((r) => setTimeout(r, 300));
    expect(socket.frames.some((f) => f.id === replacement && f.type === "error")).toBe(false);
    await socket.close();
  });

  it("does not count sockets that dropped while their connection_init was being checked", async () => {
    // Fresh sessions, so each check reads the database (nothing cached to answer at once).
    const tokens = await Promise.all(Array.from({ length: 8 }, () => login("bob")));
    for (const token of tokens) {
      const ws = new WebSocket(`${a.replace(/^http/, "ws")}/graphql`, "graphql-transport-ws");
      await new Promise((r) => ws.once("open", r));
      ws.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${token}` } }));
      ws.terminate();
    }
    await new Promise((r) => setTimeout(r, 500));
    // The quota is 3: all three are admitted, then a fourth is refused.
    const open = await Promise.all([0, 1, 2].map(() => connect(a, t.world.tokens.bob)));
    expect(open.map((s) => s.frames[0]?.type)).toEqual(["connection_ack", "connection_ack", "connection_ack"]);
    const fourth = await connect(a, t.world.tokens.bob);
    await fourth.waitFor(() => fourth.closed !== null);
    expect(fourth.closed?.code).toBe(4429);
    await Promise.all(open.map((s) => s.close()));
  });
});
