import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshRedisPrefix, REDIS_URL, TEST_SECRET } from "../support/databases.js";
import { graphql, type GraphQLResponse, TestSocket } from "../support/graphql.js";
import { PrivatePostgres } from "../support/postgres-server.js";
import { type ServerProcess, startServerProcess } from "../support/server-process.js";
import { seedWorld, type World } from "../support/world.js";

const SEND = `mutation($id: ID!, $c: String!) { sendMessage(courseId: $id, content: $c) { id } }`;
const ADDED = `subscription($id: ID!, $after: ID) { messageAdded(courseId: $id, after: $after) { id content } }`;
const AFTER = `query($id: ID!, $after: ID) { messages(courseId: $id, last: 100, after: $after) { id } }`;
const ME = `{ me { username } }`;

/** What every operation that needs the database answers while it is away. */
const UNAVAILABLE = { code: "INTERNAL_SERVER_ERROR", reason: "SERVICE_UNAVAILABLE", retryable: true };
const FAST_MS = 5000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const began = Date.now();
  const value = await work();
  return { value, ms: Date.now() - began };
}

function expectUnavailable(res: GraphQLResponse, ms: number): void {
  expect(ms).toBeLessThan(FAST_MS);
  expect(Object.values(res.data ?? {}).filter((v) => v !== null)).toEqual([]);
  expect(res.errors?.map((e) => e.extensions)).toEqual([expect.objectContaining(UNAVAILABLE)]);
  // No internal detail, in production or not: no SQL, no driver message, no address.
  expect(res.errors?.[0]?.message).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|select|insert|terminat|57P0|knex/i);
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const began = Date.now();
  while (!(await check())) {
    if (Date.now() - began > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(200);
  }
  return Date.now() - began;
}

/**
 * PostgreSQL goes away for real (fast shutdown, ~8 s) while messages flow through two instances
 * sharing Redis: every operation that needs it fails within 5 s with a retryable error (one
 * instance masks errors as in production, the other does not), a socket that cannot be
 * authenticated closes with 1013 instead of 4401; once the database is back both instances
 * recover without a restart, and every open subscription holds exactly the stored list.
 */
describe("a PostgreSQL restart while messages flow", () => {
  let postgres: PrivatePostgres;
  let servers: ServerProcess[];
  let world: World;

  beforeAll(async () => {
    postgres = await PrivatePostgres.start();
    world = await seedWorld(postgres.url());
    const env = { DATABASE_URL: postgres.url(), REDIS_URL, REDIS_PREFIX: freshRedisPrefix(), SECRET_KEY: TEST_SECRET, SEND_RATE_LIMIT: "off" };
    servers = await Promise.all([startServerProcess(env), startServerProcess({ ...env, NODE_ENV: "production" })]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all((servers ?? []).map((s) => s.stop()));
    await postgres?.destroy();
  });

  it("fails fast and retryably while it is down, then recovers by itself and loses nothing", async () => {
    const urls = servers.map((s) => s.url) as [string, string];
    const { roomId, tokens } = world;
    const start = (await graphql(urls[0], SEND, { id: roomId, c: "before the outage" }, tokens.staff)).data?.["sendMessage"].id as string;
    const subscribers = await Promise.all([TestSocket.connect(urls[0], tokens.alice), TestSocket.connect(urls[1], tokens.teacher)]);
    const subs = subscribers.map((s) => s.subscribe(ADDED, { id: roomId, after: start }));

    // Sends alternate between the instances throughout: each is acknowledged or fails, fast.
    let sending = true;
    let n = 0;
    const acknowledged: string[] = [];
    const failed: { res: GraphQLResponse; ms: number }[] = [];
    const flow = (async () => {
      while (sending) {
        const { value: res, ms } = await timed(() => graphql(urls[n % 2]!, SEND, { id: roomId, c: `flow ${n++}` }, tokens.bob));
        const id = res.data?.["sendMessage"]?.id as string | undefined;
        if (id) acknowledged.push(id);
        else failed.push({ res, ms });
        await sleep(150);
      }
    })();

    try {
      await sleep(1000);
      await postgres.down();
      const downAt = Date.now();
      await sleep(300);

      for (const [i, url] of urls.entries()) {
        const send = await timed(() => graphql(url, SEND, { id: roomId, c: "while down" }, tokens.alice));
        expectUnavailable(send.value, send.ms);
        const history = await timed(() => graphql(url, AFTER, { id: roomId, after: start }, tokens.alice));
        expectUnavailable(history.value, history.ms);
        // The token is valid: a lookup that cannot run is no reason to log in again. Bob was
        // seen lately (his request starts and its resolver fails); the outsider never was on
        // this instance (the request cannot start: 503).
        const me = await timed(() => graphql(url, ME, {}, tokens.bob));
        expectUnavailable(me.value, me.ms);
        const stranger = await timed(() => graphql(url, ME, {}, tokens.outsider));
        expect(stranger.value.status).toBe(503);
        expectUnavailable(stranger.value, stranger.ms);
        const ready = await timed(() => fetch(`${url}/readyz`));
        expect(ready.value.status).toBe(503);
        expect(ready.ms).toBeLessThan(FAST_MS);

        const fresh = await timed(() => TestSocket.connect(url, tokens.bob));
        expect(fresh.ms).toBeLessThan(FAST_MS);
        expect(fresh.value.closed?.code).toBe(1013);

        // A subscription asked for on a socket opened before the outage is refused the same
        // way, and the socket (with its running subscription) stays open.
        const open = subscribers[i]!;
        const late = open.subscribe(ADDED, { id: roomId });
        const asked = Date.now();
        await open.waitFor(() => open.frames.some((f) => f.id === late && (f.type === "error" || f.type === "complete")), FAST_MS);
        expect(Date.now() - asked).toBeLessThan(FAST_MS);
        // graphql-ws answers a subscription that could not start with `next` {errors}, then `complete`.
        const refusal = open.results(late);
        expect(refusal.map((r) => r.errors?.map((e: { extensions?: unknown }) => e.extensions))).toEqual([[expect.objectContaining(UNAVAILABLE)]]);
        expect(open.closed).toBeNull();
      }

      await sleep(Math.max(0, downAt + 8000 - Date.now()));
      await postgres.up();
      for (const url of urls) {
        await until(`${url} ready again`, async () => (await fetch(`${url}/readyz`)).status === 200, 15_000);
        await until(`${url} sends again`, async () => !!(await graphql(url, SEND, { id: roomId, c: "back" }, tokens.staff)).data?.["sendMessage"], 15_000);
      }
      const recovered = acknowledged.length;
      await until("the flow goes through again", async () => acknowledged.length >= recovered + 4, 15_000);
    } finally {
      sending = false;
      await flow.catch(() => undefined);
    }

    // The outage was seen, and every send that failed failed fast with the retryable error:
    // none was masked as a bug, and nothing went unhandled.
    const unexpected = servers.flatMap((s) => s.logs.filter((line) => /"msg":"(unexpected error|unhandled rejection)"/.test(line)));
    expect(unexpected).toEqual([]);
    expect(failed.length).toBeGreaterThan(10);
    for (const { res, ms } of failed) expectUnavailable(res, ms);

    const stored: string[] = [];
    for (let after = start; ; ) {
      const page = (await graphql(urls[1], AFTER, { id: roomId, after }, tokens.teacher)).data?.["messages"].map((m: { id: string }) => m.id) as string[];
      stored.push(...page);
      if (page.length < 100) break;
      after = page.at(-1)!;
    }
    // Nothing acknowledged is lost; ids once each, in order.
    expect(stored.filter((id) => acknowledged.includes(id))).toEqual(acknowledged);
    expect(new Set(stored).size).toBe(stored.length);
    expect(stored.map(Number)).toEqual(stored.map(Number).sort((x, y) => x - y));
    for (const [i, s] of subscribers.entries()) {
      await s.waitFor(() => s.results(subs[i]!).some((r) => r.data?.messageAdded?.id === stored.at(-1)), 10_000);
      expect(s.results(subs[i]!).map((r) => r.data.messageAdded.id)).toEqual(stored);
      expect(s.closed).toBeNull();
      await s.close();
    }
    // New sockets are authenticated again.
    const again = await TestSocket.connect(urls[1], tokens.bob);
    expect(again.frames.some((f) => f.type === "connection_ack")).toBe(true);
    await again.close();

    // And an outage behind it does not stand in the way of a clean, prompt shutdown.
    const stopped = await timed(() => Promise.all(servers.map((s) => s.stop())));
    expect(stopped.value).toEqual([0, 0]);
    expect(stopped.ms).toBeLessThan(10_000);
  }, 75_000);
});
