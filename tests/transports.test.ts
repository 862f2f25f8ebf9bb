import { ClientError, GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apolloMultipart, legacyClient, Received, sseClient, type Subscriber, urqlClient } from "./support/clients.js";
import { codes, graphql } from "./support/graphql.js";
import { startTopology, type Topology } from "./support/topology.js";
import { PASSWORD } from "./support/world.js";

// Every subscription transport, each driven by the client library that speaks it, across two
// server processes over PostgreSQL and Redis: the subscriber is on one instance, the sender on
// the other.

const SEND = "mutation ($c: ID!, $t: String!) { sendMessage(courseId: $c, content: $t) { id } }";
const LOGIN = "mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { token user { id } } }";
const REMOVE = "mutation ($c: ID!, $u: ID!) { removeStudent(courseId: $c, userId: $u) { id } }";
const READMIT = "mutation ($c: ID!, $u: ID!) { readmitStudent(courseId: $c, userId: $u) { id } }";

/** `served`: the server's log line that shows the request went over this transport. */
type Transport = { name: string; client: (url: string, token: string) => Subscriber; served: Record<string, unknown> };

const TRANSPORTS: Transport[] = [
  { name: "legacy graphql-ws (subscriptions-transport-ws)", client: legacyClient, served: { msg: "websocket connected", protocol: "graphql-ws" } },
  { name: "multipart (Apollo Client HttpLink)", client: apolloMultipart, served: { msg: "http stream closed", stream: "multipart" } },
  { name: "server-sent events (graphql-sse)", client: sseClient, served: { msg: "http stream closed", stream: "sse" } },
  { name: "server-sent events (urql, fetchSubscriptions)", client: urqlClient, served: { msg: "http stream closed", stream: "sse" } },
];

describe("every subscription transport, across two instances", () => {
  let t: Topology;
  let a: string;
  let b: string;
  const disposers: (() => unknown)[] = [];

  beforeAll(async () => {
    t = await startTopology("postgresql + redis, two processes", { SEND_RATE_LIMIT: "off" });
    [a, b] = t.urls;
  });
  afterAll(async () => {
    for (const dispose of disposers) await dispose();
    await t?.stop();
  });

  const bobSends = async (content: string) => {
    const sent = await graphql<{ sendMessage: { id: string } }>(b, SEND, { c: t.world.roomId, t: content }, t.world.tokens.bob);
    expect(codes(sent)).toEqual([]);
    return sent.data!.sendMessage.id;
  };
  const latest = async () => (await graphql(a, "query ($c: ID!) { messages(courseId: $c, last: 1) { id } }", { c: t.world.roomId }, t.world.tokens.teacher)).data!["messages"][0]?.id as string;
  /** A fresh student in the room, logged in: each transport's own, so removals stay apart. */
  const student = async (name: string) => {
    const registered = await graphql(b, `mutation { register(username: "${name}", password: "${PASSWORD}") { token user { id } } }`);
    const { token, user } = registered.data!["register"] as { token: string; user: { id: string } };
    expect(codes(await graphql(a, "mutation ($c: ID!) { enroll(courseId: $c) { id } }", { c: t.world.roomId }, token))).toEqual([]);
    return { token, id: user.id };
  };
  const open = (transport: Transport, token: string) => {
    const subscriber = transport.client(a, token);
    disposers.push(() => subscriber.dispose());
    return subscriber;
  };
  const cutOffWith = (received: Received, code: string) => async () => {
    await expect.poll(() => received.codes(), { timeout: 10_000 }).toContain(code);
  };

  describe.each(TRANSPORTS)("$name", (transport) => {
    const name = transport.name.replace(/[^a-z]+/g, "_").slice(0, 24);

    it("delivers a message sent on the other instance, resumes after a drop without gap or duplicate, and ends on removal", async () => {
      const me = await student(`s_${name}`);
      const subscriber = open(transport, me.token);
      const first = new Received();
      // Subscribed after the newest message: whatever is sent from then on arrives, however long the transport takes to connect.
      const live = subscriber.follow(t.world.roomId, await latest(), first);
      await bobSends(`hello over ${transport.name}`);
      await expect.poll(() => first.messages().map((m) => m.content), { timeout: 10_000 }).toEqual([`hello over ${transport.name}`]);

      // Dropped; two messages go by; resumed after the last one it had.
      live.stop();
      const lastSeen = first.messages().at(-1)!.id;
      await bobSends("missed one");
      await bobSends("missed two");
      const resumed = new Received();
      subscriber.follow(t.world.roomId, lastSeen, resumed);
      await expect.poll(() => resumed.messages().map((m) => m.content), { timeout: 10_000 }).toEqual(["missed one", "missed two"]);
      await bobSends("live again");
      await expect.poll(() => resumed.messages().map((m) => m.content), { timeout: 10_000 }).toEqual(["missed one", "missed two", "live again"]);

      // The teacher removes the student on the other instance: the subscription ends with FORBIDDEN.
      expect(codes(await graphql(b, REMOVE, { c: t.world.roomId, u: me.id }, t.world.tokens.teacher))).toEqual([]);
      await cutOffWith(resumed, "FORBIDDEN")();
      await bobSends("after the removal");
      expect(resumed.messages().map((m) => m.content)).not.toContain("after the removal");
      expect(codes(await graphql(a, READMIT, { c: t.world.roomId, u: me.id }, t.world.tokens.teacher))).toEqual([]);
      const served = () => t.logs[0]!.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line["userId"] === Number(me.id));
      await expect.poll(served).toContainEqual(expect.objectContaining(transport.served));
    });

    it("is cut off when its session logs out on the other instance, and refuses a bad token", async () => {
      const login = await graphql(b, LOGIN, { u: `s_${name}`, p: PASSWORD });
      const token = login.data!["login"].token as string;
      const subscriber = open(transport, token);
      const received = new Received();
      subscriber.follow(t.world.roomId, await latest(), received);
      await bobSends("before the logout");
      await expect.poll(() => received.messages().map((m) => m.content), { timeout: 10_000 }).toEqual(["before the logout"]);
      expect(codes(await graphql(b, "mutation { logout }", {}, token))).toEqual([]);
      await cutOffWith(received, "UNAUTHENTICATED")();

      const refused = new Received();
      open(transport, "not-a-token").follow(t.world.roomId, undefined, refused);
      await expect.poll(() => refused.codes(), { timeout: 10_000 }).toContain("UNAUTHENTICATED");
      expect(refused.messages()).toEqual([]);
    });
  });

  describe("graphql-request over GET (no subscriptions: it polls forward with after)", () => {
    it("reads what the other instance stored, pages on without gap or duplicate, and is refused once removed or logged out", async () => {
      const me = await student("s_graphql_request");
      const client = new GraphQLClient(`${a}/graphql`, { method: "GET", headers: { authorization: `Bearer ${me.token}` } });
      const page = async (after: string) =>
        (await client.request<{ messages: { id: string; content: string }[] }>("query Page($c: ID!, $after: ID) { messages(courseId: $c, after: $after, last: 100) { id content } }", { c: t.world.roomId, after })).messages;
      let cursor = await latest();
      await bobSends("polled one");
      await bobSends("polled two");
      const seen = await page(cursor);
      expect(seen.map((m) => m.content)).toEqual(["polled one", "polled two"]);
      cursor = seen.at(-1)!.id;
      expect(await page(cursor)).toEqual([]);
      await bobSends("polled three");
      expect((await page(cursor)).map((m) => m.content)).toEqual(["polled three"]);

      expect(codes(await graphql(b, REMOVE, { c: t.world.roomId, u: me.id }, t.world.tokens.teacher))).toEqual([]);
      const removed = await page(cursor).catch((e: unknown) => e);
      expect(removed instanceof ClientError && removed.response.errors?.map((e) => e.extensions?.["code"])).toEqual(["FORBIDDEN"]);
      expect(codes(await graphql(b, "mutation { logout }", {}, me.token))).toEqual([]);
      // The logout was made on the other instance: it counts here within a second (the bus, or the table).
      const loggedOut = async () => {
        const e = await page(cursor).catch((err: unknown) => err);
        return e instanceof ClientError && [e.response.status, e.response.errors?.[0]?.extensions?.["code"]];
      };
      await expect.poll(loggedOut, { timeout: 1_500, interval: 50 }).toEqual([401, "UNAUTHENTICATED"]);
    });
  });
});
