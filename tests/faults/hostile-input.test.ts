import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshPostgres, freshRedisPrefix, freshSqlite, REDIS_URL, TEST_SECRET, type TestDatabase } from "../support/databases.js";
import { graphql, TestSocket } from "../support/graphql.js";
import { fuzzSeed, rawRequest, RawSocket, Rng, type RawResponse } from "../support/hostile.js";
import { ADDED, httpCase, MAX_CHARS, SEND, type Target, verdict, wsAction } from "../support/hostile-cases.js";
import { type ServerProcess, startServerProcess } from "../support/server-process.js";
import { openSqliteFile } from "../support/sqlite-file.js";
import { seedWorld, type World } from "../support/world.js";

/** Every code the contract lets a client see for a request it got wrong. */
const ALLOWED = ["GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT", "UNAUTHENTICATED", "FORBIDDEN", "RATE_LIMITED", "PERSISTED_QUERY_NOT_FOUND", "PERSISTED_QUERY_NOT_SUPPORTED"];
/** How long each transport is fuzzed per server, in ms. */
const FUZZ_MS = Number(process.env["FUZZ_MS"] ?? 4000);

type Errors = { message?: unknown; extensions?: { code?: unknown } }[] | undefined;

function expectContractErrors(errors: Errors, where: string, only: string[] = ALLOWED): void {
  for (const error of errors ?? []) {
    expect(typeof error.message, `${where}: ${JSON.stringify(error).slice(0, 300)}`).toBe("string");
    expect(only, `${where}: ${JSON.stringify(error).slice(0, 300)}`).toContain(error.extensions?.code);
  }
}

/** Sends the server acknowledged: every object in `data` with an id and a content. */
function collectSends(data: unknown, into: Map<string, string>): void {
  if (!data || typeof data !== "object") return;
  const record = data as Record<string, unknown>;
  if (typeof record["id"] === "string" && typeof record["content"] === "string") into.set(record["id"], record["content"]);
  else Object.values(record).forEach((value) => collectSends(value, into));
}

interface Backend {
  name: string;
  database: () => Promise<TestDatabase>;
  env: (db: TestDatabase) => Record<string, string>;
  bodyLimit: number;
  frameLimit: number;
  storedMessages: (db: TestDatabase) => Promise<{ id: string; content: string }[]>;
}

const backends: Backend[] = [
  {
    name: "production: PostgreSQL, Redis, default limits",
    database: freshPostgres,
    env: (db) => ({ NODE_ENV: "production", DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: freshRedisPrefix() }),
    bodyLimit: 100 * 1024,
    frameLimit: 256 * 1024,
    storedMessages: async (db) => {
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ id: string; content: string }>("select id::text as id, content from messages order by id");
        return rows;
      } finally {
        await client.end();
      }
    },
  },
  {
    name: "SQLite, limits raised so a million characters reach the resolver",
    database: async () => freshSqlite(),
    env: (db) => ({ DATABASE_URL: db.url, SEED_DEMO: "false", MAX_HTTP_BODY_BYTES: String(3 * 1024 * 1024), MAX_WS_FRAME_BYTES: String(3 * 1024 * 1024) }),
    bodyLimit: 3 * 1024 * 1024,
    frameLimit: 3 * 1024 * 1024,
    storedMessages: async (db) => {
      const file = openSqliteFile(db.url);
      try {
        return (file.prepare("select cast(id as text) as id, content from messages order by id").all() as { id: string; content: string }[]);
      } finally {
        file.close();
      }
    },
  },
];

describe.each(backends)("hostile input against a real server ($name)", (backend) => {
  let db: TestDatabase;
  let world: World;
  let server: ServerProcess;
  let target: Target;
  const acknowledged = new Map<string, string>();
  const seed = fuzzSeed(`hostile-input (${backend.name})`);
  const rng = new Rng(seed);

  beforeAll(async () => {
    db = await backend.database();
    world = await seedWorld(db.url);
    server = await startServerProcess({ SECRET_KEY: TEST_SECRET, SEND_RATE_LIMIT: "off", ...backend.env(db) });
    target = { url: server.url, token: world.tokens.alice, roomId: world.roomId, otherRoomId: world.otherRoomId, bodyLimit: backend.bodyLimit, frameLimit: backend.frameLimit };
  });
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  it("answers every malformed HTTP request with a clear JSON error, never a 5xx or a hang", async () => {
    const deadline = Date.now() + FUZZ_MS;
    const seen = new Map<string, number>();
    let index = 0;
    const worker = async () => {
      while (Date.now() < deadline) {
        const n = index++;
        const c = httpCase(rng, target);
        const where = `seed ${seed}, case ${n} (${c.name})`;
        seen.set(c.name, (seen.get(c.name) ?? 0) + 1);
        let res: RawResponse;
        try {
          res = await rawRequest(`${target.url}/graphql${c.search ?? ""}`, { method: c.method ?? "POST", headers: c.headers ?? {}, ...(c.body === undefined ? {} : { body: c.body }) });
        } catch (err) {
          throw new Error(`${where}: no answer within 5 s (${String(err)})`);
        }
        expect(res.status, `${where}: ${res.text.slice(0, 300)}`).toBeLessThan(500);
        if (c.status?.length) expect(c.status, `${where}: status ${res.status} ${res.text.slice(0, 300)}`).toContain(res.status);
        expect(res.contentType, where).toMatch(/^application\/json/);
        expect(res.text, where).not.toMatch(/<html|<pre>|(\\n|\n)\s+at \S/i);
        const body = JSON.parse(res.text) as { data?: unknown; errors?: Errors };
        expectContractErrors(body.errors, where, c.codes);
        if (res.status >= 400 || c.codes) expect(body.errors?.length, `${where}: ${res.text.slice(0, 300)}`).toBeGreaterThan(0);
        if (c.content !== undefined) {
          if (verdict(c.content) === "stored") {
            expect(body.errors, `${where}: ${res.text.slice(0, 300)}`).toBeUndefined();
            expect((body.data as { sendMessage: { content: string } }).sendMessage.content, where).toBe(c.content.trim());
          } else expect(body.errors?.map((e) => e.extensions?.code), where).toEqual(["BAD_USER_INPUT"]);
        }
        collectSends(body.data, acknowledged);
      }
    };
    await Promise.all(Array.from({ length: 3 }, worker));
    console.log(`HTTP (${backend.name}): ${index} requests`, Object.fromEntries(seen));
    expect(index).toBeGreaterThan(50);
  }, 60_000);

  it("answers every hostile WebSocket frame with the documented close code or a contract error", async () => {
    const deadline = Date.now() + FUZZ_MS;
    const seen = new Map<string, number>();
    let sessions = 0;
    while (Date.now() < deadline) {
      const session = sessions++;
      const socket = await RawSocket.open(target.url);
      let acknowledgedSocket = false;
      if (rng.chance(0.85)) {
        socket.json({ type: "connection_init", payload: { authorization: `Bearer ${target.token}` } });
        await socket.waitFor(() => socket.closed !== null || socket.frames.some((f) => f.type === "connection_ack"));
        expect(socket.closed, `session ${session}`).toBeNull();
        acknowledgedSocket = true;
      }
      const sendIds = new Set<string>();
      const known = new Map<string, string>();
      const history: string[] = [];
      for (let step = rng.int(1, 4); step > 0 && socket.closed === null; step--) {
        const action = wsAction(rng, target, acknowledgedSocket);
        history.push(action.name);
        const where = `seed ${seed}, session ${session} (${history.join(" → ")})`;
        seen.set(action.name, (seen.get(action.name) ?? 0) + 1);
        if (action.sends && action.id) sendIds.add(action.id);
        if (action.content !== undefined && action.id) known.set(action.id, action.content);
        action.run(socket);
        if (action.id && action.close === undefined) await socket.waitFor(() => socket.closed !== null || socket.ended(action.id!), 5000);
        if (action.close) await socket.waitFor(() => socket.closed !== null, 5000);
        else await socket.settle();
        // Read again: TypeScript keeps the loop condition's narrowing across the awaits above.
        const closed = socket.closed as { code: number } | null;
        if (action.close === undefined) expect(closed, where).toBeNull();
        if (action.close) expect(action.close, `${where}: ${JSON.stringify(closed)}`).toContain(closed?.code);
        if (action.close === null && closed) expect([4400, 4409, 1007], `${where}: ${JSON.stringify(closed)}`).toContain(closed.code);
      }
      for (const frame of socket.frames) {
        const where = `seed ${seed}, session ${session}, frame ${JSON.stringify(frame).slice(0, 200)}`;
        expect(frame.unparseable, where).toBeUndefined();
        if (frame.type === "error") {
          expect(Array.isArray(frame.payload) && frame.payload.length > 0, where).toBe(true);
          expectContractErrors(frame.payload, where);
        }
        if (frame.type !== "next") continue;
        expectContractErrors(frame.payload?.errors, where);
        if (!frame.id || !sendIds.has(frame.id)) continue;
        collectSends(frame.payload?.data, acknowledged);
        const content = known.get(frame.id);
        if (content === undefined) continue;
        if (verdict(content) === "stored") expect(frame.payload.data?.sendMessage?.content, where).toBe(content.trim());
        else expect(frame.payload.errors?.map((e: { extensions?: { code?: string } }) => e.extensions?.code), where).toEqual(["BAD_USER_INPUT"]);
      }
      await socket.close();
    }
    console.log(`WebSocket (${backend.name}): ${sessions} sessions`, Object.fromEntries(seen));
    expect(sessions).toBeGreaterThan(20);
  }, 60_000);

  it("is still up and serving afterwards, with clean logs and only well-formed messages stored", async () => {
    expect(server.child.exitCode).toBeNull();
    expect(server.child.signalCode).toBeNull();
    for (const path of ["/healthz", "/readyz"]) expect((await fetch(`${server.url}${path}`)).status, path).toBe(200);

    const latest = await graphql(server.url, `query($id: ID!) { messages(courseId: $id, last: 1) { id } }`, { id: world.roomId }, world.tokens.teacher);
    const after = latest.data?.["messages"][0]?.id as string | undefined;
    const listener = await TestSocket.connect(server.url, world.tokens.bob);
    const sub = listener.subscribe(ADDED, { id: world.roomId, ...(after ? { after } : {}) });
    const sent = await graphql(server.url, SEND, { id: world.roomId, c: "still here" }, world.tokens.alice);
    const id = sent.data?.["sendMessage"]?.id as string;
    expect(id).toBeDefined();
    collectSends(sent.data, acknowledged);
    await listener.waitFor(() => listener.results(sub).some((r) => r.data?.messageAdded.id === id));
    await listener.close();

    // Logs stay JSON lines: no error-level entry, and no stack trace written to stderr by a library.
    const problems = server.logs.filter(
      (line) => /uncaught|unhandled/i.test(line) || /"level":(5\d|60)/.test(line) || !line.startsWith("{"),
    );
    expect(problems.map((l) => l.slice(0, 300))).toEqual([]);

    const stored = await backend.storedMessages(db);
    for (const { id: messageId, content } of stored) {
      const where = `message ${messageId}: ${JSON.stringify(content.slice(0, 80))}`;
      expect(content, where).toBe(content.trim());
      expect([...content].length, where).toBeGreaterThan(0);
      expect([...content].length, where).toBeLessThanOrEqual(MAX_CHARS);
      expect(content, where).not.toMatch(/[\p{Cs}\ufffd]/u);
      expect(content.includes("\u0000"), where).toBe(false);
      expect(content, where).toBe(acknowledged.get(messageId));
    }
    expect(stored.map((m) => m.id).sort()).toEqual([...acknowledged.keys()].sort());
    console.log(`${backend.name}: ${stored.length} messages stored, each one acknowledged`);
  }, 30_000);
});
