import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../server/src/app.js";
import { startSeededApp } from "./support/app.js";
import { scrapeMetrics, TEST_METRICS_TOKEN, type TestDatabase } from "./support/databases.js";
import { codes, graphql, TestSocket } from "./support/graphql.js";
import { startTopology, type Topology, type TopologyKind } from "./support/topology.js";
import { PASSWORD } from "./support/world.js";

const LOGIN = `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`;
const REGISTER = `mutation($u: String!) { register(username: $u, password: "${PASSWORD}") { token } }`;

/** POST /graphql as if through a proxy that says the client is `from`. */
const viaProxy = async (url: string, from: string, query: string, variables: Record<string, unknown>) => {
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": from },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: any; errors?: { message: string; extensions?: Record<string, unknown> }[] };
};

describe("login throttling that cannot be turned against users", () => {
  let app: App;
  let db: TestDatabase;
  beforeAll(async () => {
    // Behind our own proxy: its X-Forwarded-For is believed.
    ({ app, db } = await startSeededApp({ TRUSTED_PROXIES: "127.0.0.1", REGISTER_RATE_LIMIT: "3/1h" }));
  });
  afterAll(async () => {
    await app?.stop();
    await db?.drop();
  });

  it("counts failures only: a busy address logging in correctly is never refused", async () => {
    for (let i = 0; i < 55; i++) expect(codes(await viaProxy(app.url, "10.0.0.1", LOGIN, { u: "alice", p: PASSWORD }))).toEqual([]);
  });

  it("locks out a guesser's address, not the account's owner, and says so in a login's words", async () => {
    for (let i = 0; i < 10; i++) expect(codes(await viaProxy(app.url, "10.6.6.6", LOGIN, { u: "bob", p: "guess" + i }))).toEqual(["BAD_USER_INPUT"]);
    const refused = await viaProxy(app.url, "10.6.6.6", LOGIN, { u: "bob", p: PASSWORD });
    expect(codes(refused)).toEqual(["RATE_LIMITED"]);
    expect(refused.errors?.[0]?.message).toMatch(/failed login attempts/i);
    expect(refused.errors?.[0]?.message).not.toMatch(/message/i);
    expect(refused.errors?.[0]?.extensions?.["retryAfterSeconds"]).toBeGreaterThan(60);
    // The owner, from their own address, is not held by a stranger's failures.
    expect(codes(await viaProxy(app.url, "10.0.0.2", LOGIN, { u: "bob", p: PASSWORD }))).toEqual([]);
  });

  it("slows guessing from many addresses without shutting out an address the owner used before", async () => {
    // The owner logged in from home before the attack.
    expect(codes(await viaProxy(app.url, "10.9.9.9", LOGIN, { u: "teacher", p: PASSWORD }))).toEqual([]);
    for (let source = 0; source < 5; source++) {
      for (let i = 0; i < 10; i++) await viaProxy(app.url, `10.7.0.${source}`, LOGIN, { u: "teacher", p: "guess" + i });
    }
    // 50 failures: a new address is refused for this account, home is not.
    expect(codes(await viaProxy(app.url, "10.8.8.8", LOGIN, { u: "teacher", p: PASSWORD }))).toEqual(["RATE_LIMITED"]);
    expect(codes(await viaProxy(app.url, "10.9.9.9", LOGIN, { u: "teacher", p: PASSWORD }))).toEqual([]);
  });

  it("limits registrations per address (REGISTER_RATE_LIMIT)", async () => {
    for (let i = 0; i < 3; i++) expect(codes(await viaProxy(app.url, "10.5.5.5", REGISTER, { u: `newcomer${i}` }))).toEqual([]);
    const refused = await viaProxy(app.url, "10.5.5.5", REGISTER, { u: "newcomer3" });
    expect(codes(refused)).toEqual(["RATE_LIMITED"]);
    expect(refused.errors?.[0]?.message).toMatch(/accounts/i);
    expect(codes(await viaProxy(app.url, "10.5.5.6", REGISTER, { u: "newcomer4" }))).toEqual([]);
  });
});

describe("a forwarded address from anyone but a configured proxy", () => {
  let app: App;
  let db: TestDatabase;
  beforeAll(async () => {
    ({ app, db } = await startSeededApp());
  });
  afterAll(async () => {
    await app?.stop();
    await db?.drop();
  });

  it("is ignored: a guesser cannot escape its budget by inventing X-Forwarded-For", async () => {
    for (let i = 0; i < 10; i++) await viaProxy(app.url, `10.1.1.${i}`, LOGIN, { u: "alice", p: "guess" + i });
    expect(codes(await viaProxy(app.url, "10.2.2.2", LOGIN, { u: "alice", p: PASSWORD }))).toEqual(["RATE_LIMITED"]);
  });
});

describe("/metrics is for operators only", () => {
  let app: App;
  let db: TestDatabase;
  beforeAll(async () => {
    ({ app, db } = await startSeededApp({ METRICS_PORT: "0" }));
  });
  afterAll(async () => {
    await app?.stop();
    await db?.drop();
  });

  it("answers on the main port only with the token, and on its own listener (METRICS_PORT)", async () => {
    expect((await fetch(`${app.url}/metrics`)).status).toBe(404);
    expect((await fetch(`${app.url}/metrics`, { headers: { authorization: "Bearer wrong-token-of-some-length" } })).status).toBe(404);
    expect(await scrapeMetrics(app.url)).toContain("educa_chat_websockets_open");
    expect(app.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(app.metricsUrl).not.toBe(app.url);
    expect(await (await fetch(`${app.metricsUrl}/metrics`)).text()).toContain("educa_chat_websockets_open");
    expect(TEST_METRICS_TOKEN.length).toBeGreaterThanOrEqual(16);
  });
});

describe("WebSocket origins", () => {
  let app: App;
  let db: TestDatabase;
  beforeAll(async () => {
    ({ app, db } = await startSeededApp());
  });
  afterAll(async () => {
    await app?.stop();
    await db?.drop();
  });

  it("accepts the server's own origins and no Origin (apps), but not an Origin that merely equals the Host (DNS rebinding)", async () => {
    const port = new URL(app.url).port;
    const open = (headers: Record<string, string>) => TestSocket.open(app.url, headers);
    await expect(open({ origin: "http://rebound.example.com", host: "rebound.example.com" })).rejects.toThrow(/403/);
    await expect(open({ origin: `http://attacker.example:${port}`, host: `attacker.example:${port}` })).rejects.toThrow(/403/);
    for (const socket of [await open({ origin: `http://127.0.0.1:${port}` }), await open({ origin: `http://localhost:${port}` }), await open({})]) {
      expect(socket.ws.readyState).toBe(WebSocket.OPEN);
      await socket.close();
    }
  });
});

describe.each<TopologyKind>(["sqlite, one instance", "postgresql + redis, two processes"])("arguments that cannot be stored or searched (%s)", (kind) => {
  let t: Topology;
  beforeAll(async () => {
    t = await startTopology(kind, { NODE_ENV: "production" });
  });
  afterAll(async () => t?.stop());

  it("are BAD_USER_INPUT, never an internal error or a retryable outage, on HTTP and WebSocket", async () => {
    const [a] = t.urls;
    const cases: [string, Record<string, unknown>, string?][] = [
      [LOGIN, { u: "ali\u0000ce", p: PASSWORD }],
      [LOGIN, { u: "alice", p: "pass\u0000word" }],
      [`query($s: String) { adminMessages(filter: { search: $s }) { totalCount } }`, { s: "a\u0000b" }, t.world.tokens.staff],
      [`query { adminMessages(filter: { search: "a\\u0000b" }) { totalCount } }`, {}, t.world.tokens.staff],
      [`mutation($u: String!) { setRole(username: $u, role: Staff) { role } }`, { u: "bo\u0000b" }, t.world.tokens.staff],
      [REGISTER, { u: "x\ud800y" }],
      [`mutation($id: ID!) { enroll(courseId: $id) { id } }`, { id: "1\u0000" }, t.world.tokens.outsider],
    ];
    for (const [query, variables, token] of cases) {
      const res = await graphql(a, query, variables, token);
      expect(codes(res), `${query} ${JSON.stringify(variables)}`).toEqual(["BAD_USER_INPUT"]);
      expect(res.errors?.[0]?.extensions?.["retryable"]).toBeUndefined();
    }
    const socket = await TestSocket.connect(a, t.world.tokens.staff);
    const id = socket.subscribe(`query($s: String) { adminMessages(filter: { search: $s }) { totalCount } }`, { s: "a\u0000b" });
    await socket.waitFor(() => socket.frames.some((f) => f.id === id && f.type === "error"));
    expect(socket.frames.find((f) => f.id === id)?.payload[0].extensions.code).toBe("BAD_USER_INPUT");
    await socket.close();
  });

  it("never hands back a deleted message for a retried send, nor posts it again", async () => {
    const [a, b] = t.urls;
    const send = `mutation($id: ID!, $c: String!, $k: String) { sendMessage(courseId: $id, content: $c, clientMessageId: $k) { id content } }`;
    const first = await graphql(a, send, { id: t.world.roomId, c: "regrettable", k: "retry-1" }, t.world.tokens.alice);
    const id = first.data?.["sendMessage"].id;
    expect(codes(await graphql(b, `mutation($id: ID!) { deleteMessage(messageId: $id) { id } }`, { id }, t.world.tokens.teacher))).toEqual([]);
    const retry = await graphql(b, send, { id: t.world.roomId, c: "regrettable", k: "retry-1" }, t.world.tokens.alice);
    expect(codes(retry)).toEqual(["BAD_USER_INPUT"]);
    expect(retry.errors?.[0]?.extensions?.["reason"]).toBe("MESSAGE_DELETED");
    expect(retry.raw).not.toContain("regrettable");
    const history = await graphql(a, `query($id: ID!) { messages(courseId: $id, last: 100) { content } }`, { id: t.world.roomId }, t.world.tokens.alice);
    expect(history.data?.["messages"].map((m: { content: string }) => m.content)).not.toContain("regrettable");
  });
});
