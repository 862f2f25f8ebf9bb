import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../server/src/app.js";
import { startApp, startSeededApp } from "./support/app.js";
import { freshPostgres, freshSqlite, type TestDatabase } from "./support/databases.js";
import { codes, graphql, TestSocket } from "./support/graphql.js";
import { seedWorld, type World } from "./support/world.js";

const limits = {
  MAX_QUERY_DEPTH: "3",
  MAX_ALIASES: "3",
  MAX_TOKENS: "300",
  MAX_SUBSCRIPTIONS_PER_SOCKET: "2",
  MAX_SOCKETS_PER_USER: "2",
  MAX_WS_FRAME_BYTES: "4096",
  CONNECTION_INIT_TIMEOUT_MS: "500",
  SEND_RATE_LIMIT: "2/60s",
  ALLOWED_ORIGINS: "https://app.example.edu",
  INTROSPECTION: "false",
};

describe("nobody let in, nothing brought down", () => {
  let db: TestDatabase;
  let app: App;
  let world: World;
  const sockets: TestSocket[] = [];
  const connect = async (token?: string) => {
    const s = await TestSocket.connect(app.url, token);
    sockets.push(s);
    return s;
  };
  beforeAll(async () => {
    ({ app, db, world } = await startSeededApp({ ...limits }));
  });
  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close()));
    await app?.stop();
    await db?.drop();
  });

  /** Runs one operation over a fresh socket and returns its first result or error payload. */
  async function overSocket(query: string, variables: Record<string, unknown> = {}, token = world.tokens.alice) {
    const socket = await connect(token);
    const id = socket.subscribe(query, variables);
    await socket.waitFor(() => socket.frames.some((f) => f.id === id && (f.type === "next" || f.type === "error")));
    const frame = socket.frames.find((f) => f.id === id && (f.type === "next" || f.type === "error"))!;
    await socket.close();
    return frame.type === "error" ? { errors: frame.payload } : frame.payload;
  }

  describe("query limits, on HTTP and WebSocket alike", () => {
    const deep = `query($id: ID!) { messages(courseId: $id) { user { id } } courses { owner { id } } }`;
    const tooDeep = `subscription($id: ID!) { roomEvents(courseId: $id) { message { user { id } } } }`;
    // Plain HTTP refuses any subscription before parsing it further (graphql-over-http.test.ts): a query as deep.
    const tooDeepQuery = `query($id: ID!) { adminMessages(filter: { courseId: $id }) { nodes { user { id } } } }`;
    const aliases = `{ a: courses { id } b: courses { id } c: courses { id } d: courses { id } }`;
    const tokens = `{ courses { ${"id ".repeat(400)} } }`;

    it("refuses documents past the depth, alias, token and introspection limits before running them", async () => {
      expect((await graphql(app.url, deep, { id: world.roomId }, world.tokens.alice)).errors).toBeUndefined();
      const cases: [string, string, string, string][] = [
        [tooDeepQuery, tooDeep, "GRAPHQL_VALIDATION_FAILED", "depth"],
        [aliases, aliases, "GRAPHQL_VALIDATION_FAILED", "aliases"],
        [tokens, tokens, "GRAPHQL_PARSE_FAILED", "tokens"],
        [`{ __schema { types { name } } }`, `{ __schema { types { name } } }`, "GRAPHQL_VALIDATION_FAILED", "introspection"],
      ];
      for (const [overHttp, query, code, name] of cases) {
        const http = await graphql(app.url, overHttp, { id: world.roomId }, world.tokens.alice);
        expect(codes(http), `${name} over HTTP`).toContain(code);
        const ws = await overSocket(query, { id: world.roomId });
        expect(codes(ws), `${name} over WebSocket`).toContain(code);
      }
    });

    it("applies the same send rate limit and error masking over WebSocket", async () => {
      const send = `mutation($id: ID!) { sendMessage(courseId: $id, content: "hi") { id } }`;
      const results = [];
      for (let i = 0; i < 3; i++) results.push(await overSocket(send, { id: world.roomId }, world.tokens.bob));
      expect(results.slice(0, 2).every((r) => !r.errors)).toBe(true);
      expect(codes(results[2])).toEqual(["RATE_LIMITED"]);
      expect(results[2].errors[0].extensions.retryAfterSeconds).toBeGreaterThan(0);
    });
  });

  describe("caps", () => {
    it("limits operations per socket and sockets per user", async () => {
      const socket = await connect(world.tokens.teacher);
      const q = `subscription($id: ID!) { messageAdded(courseId: $id) { id } }`;
      socket.subscribe(q, { id: world.roomId });
      socket.subscribe(q, { id: world.otherRoomId });
      const third = socket.subscribe(q, { id: world.roomId });
      await socket.waitFor(() => socket.frames.some((f) => f.id === third && f.type === "error"));
      expect(socket.frames.find((f) => f.id === third)?.payload[0].extensions.code).toBe("BAD_USER_INPUT");
      const second = await connect(world.tokens.teacher);
      expect(second.closed).toBeNull();
      const third_ = await connect(world.tokens.teacher);
      await third_.waitFor(() => third_.closed !== null);
      expect(third_.closed?.code).toBe(4429);
      await second.close();
      const again = await connect(world.tokens.teacher);
      expect(again.closed).toBeNull();
      await Promise.all([socket.close(), again.close()]);
    });

    it("closes a socket that sends an oversized frame with 1009, and one that never initialises with 4408", async () => {
      const big = await connect(world.tokens.staff);
      big.send({ id: "x", type: "subscribe", payload: { query: `{ courses { id } }`, variables: { pad: "x".repeat(8000) } } });
      await big.waitFor(() => big.closed !== null);
      expect(big.closed?.code).toBe(1009);
      const silent = await TestSocket.open(app.url);
      sockets.push(silent);
      await silent.waitFor(() => silent.closed !== null, 3000);
      expect(silent.closed?.code).toBe(4408);
    });
  });

  describe("origins", () => {
    it("refuses WebSocket upgrades from other origins before upgrading, and sends CORS only to allowed ones", async () => {
      await expect(TestSocket.open(app.url, { origin: "https://evil.example.com" })).rejects.toThrow(/403/);
      const allowed = await TestSocket.open(app.url, { origin: "https://app.example.edu" });
      sockets.push(allowed);
      expect(allowed.ws.readyState).toBe(WebSocket.OPEN);
      const preflight = (origin: string) =>
        fetch(`${app.url}/graphql`, { method: "OPTIONS", headers: { origin, "access-control-request-method": "POST" } });
      expect((await preflight("https://app.example.edu")).headers.get("access-control-allow-origin")).toBe("https://app.example.edu");
      expect((await preflight("https://evil.example.com")).headers.get("access-control-allow-origin")).toBeNull();
    });
  });

  describe("login throttling", () => {
    it("refuses further logins for a username after 10 failures, with the wait", async () => {
      const login = (password: string) => graphql(app.url, `mutation($p: String!) { login(username: "outsider", password: $p) { token } }`, { p: password });
      for (let i = 0; i < 10; i++) expect(codes(await login("wrong password"))).toEqual(["BAD_USER_INPUT"]);
      const refused = await login("correct horse battery");
      expect(codes(refused)).toEqual(["RATE_LIMITED"]);
      expect(refused.errors?.[0]?.extensions?.["retryAfterSeconds"]).toBeGreaterThan(60);
    });
  });

  describe("resuming", () => {
    it("answers a cursor from another course or from the future with CANNOT_RESUME", async () => {
      const elsewhere = await graphql(app.url, `mutation($id: ID!) { sendMessage(courseId: $id, content: "elsewhere") { id } }`, { id: world.otherRoomId }, world.tokens.teacher);
      const q = `subscription($id: ID!, $after: ID) { messageAdded(courseId: $id, after: $after) { id } }`;
      for (const after of [elsewhere.data?.["sendMessage"].id, "999999"]) {
        const result = await overSocket(q, { id: world.roomId, after }, world.tokens.teacher);
        expect(result.errors[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "CANNOT_RESUME" });
      }
    });

    it("answers each of several subscribers entering a room at the same moment on its own", () => expectEachAnsweredOnItsOwn(app, world));
  });
});

describe("entering a room together, on PostgreSQL (checked under the room lock)", () => {
  it("answers each of several subscribers entering a room at the same moment on its own", async () => {
    const db = await freshPostgres();
    try {
      const world = await seedWorld(db.url);
      const app = await startApp({ DATABASE_URL: db.url });
      try {
        await expectEachAnsweredOnItsOwn(app, world);
      } finally {
        await app.stop();
      }
    } finally {
      await db.drop();
    }
  });
});

/** Runs one operation over a fresh socket and returns its first result or error payload. */
async function firstResult(app: App, query: string, variables: Record<string, unknown>, token: string) {
  const socket = await TestSocket.connect(app.url, token);
  try {
    const id = socket.subscribe(query, variables);
    await socket.waitFor(() => socket.frames.some((f) => f.id === id && (f.type === "next" || f.type === "error")));
    const frame = socket.frames.find((f) => f.id === id && (f.type === "next" || f.type === "error"))!;
    return frame.type === "error" ? { errors: frame.payload } : frame.payload;
  } finally {
    await socket.close();
  }
}

/** A member, a foreign cursor, an outsider and a future cursor enter one room at once. */
async function expectEachAnsweredOnItsOwn(app: App, world: World) {
  const send = (content: string) =>
    graphql(app.url, `mutation($id: ID!, $c: String!) { sendMessage(courseId: $id, content: $c) { id } }`, { id: world.roomId, c: content }, world.tokens.teacher);
  const first = (await send("first")).data?.["sendMessage"].id as string;
  const second = (await send("second")).data?.["sendMessage"].id as string;
  const elsewhere = await graphql(app.url, `mutation($id: ID!) { sendMessage(courseId: $id, content: "elsewhere") { id } }`, { id: world.otherRoomId }, world.tokens.staff);
  const q = `subscription($id: ID!, $after: ID) { messageAdded(courseId: $id, after: $after) { id } }`;
  // Checked together (one batch per room): nobody's answer may be anybody else's.
  const [member, foreignCursor, outsider, future] = await Promise.all([
    firstResult(app, q, { id: world.roomId, after: first }, world.tokens.alice),
    firstResult(app, q, { id: world.roomId, after: elsewhere.data?.["sendMessage"].id }, world.tokens.bob),
    firstResult(app, q, { id: world.roomId, after: first }, world.tokens.outsider),
    firstResult(app, q, { id: world.roomId, after: "999999" }, world.tokens.staff),
  ]);
  expect(member).toEqual({ data: { messageAdded: { id: second } } });
  expect(foreignCursor.errors[0].extensions).toMatchObject({ reason: "CANNOT_RESUME" });
  expect(codes(outsider)).toEqual(["FORBIDDEN"]);
  expect(future.errors[0].extensions).toMatchObject({ reason: "CANNOT_RESUME" });
}

describe("tokens on open sockets", () => {
  it("closes a socket with 4401 within 2 s of its token's expiry", async () => {
    const db = freshSqlite();
    await seedWorld(db.url);
    const app = await startApp({ DATABASE_URL: db.url, TOKEN_TTL: "2s" });
    try {
      const login = await graphql(app.url, `mutation { login(username: "alice", password: "correct horse battery") { token } }`);
      const token = login.data?.["login"].token as string;
      const expiresAt = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()).exp * 1000;
      const socket = await TestSocket.connect(app.url, token);
      expect(socket.closed).toBeNull();
      await socket.waitFor(() => socket.closed !== null, 6000);
      expect(socket.closed?.code).toBe(4401);
      expect(Date.now() - expiresAt).toBeLessThan(2000);
    } finally {
      await app.stop();
      await db.drop();
    }
  });
});
