import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApolloClient, ApolloLink, gql, HttpLink, InMemoryCache } from "@apollo/client";
import { addTypenameToDocument } from "@apollo/client/utilities";
import { createPersistedQueryLink } from "@apollo/client/link/persisted-queries";
import { createClient as createUrqlClient, fetchExchange } from "@urql/core";
import { parse, print } from "graphql";
import { ClientError, GraphQLClient } from "graphql-request";
import { createClient as createSseClient } from "graphql-sse";
import { createClient as createWsClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { App } from "../server/src/app.js";
import { ConfigError, loadConfig } from "../server/src/config.js";
import { startApp } from "./support/app.js";
import { legacyClient, Received, ROOM } from "./support/clients.js";
import { freshSqlite, type TestDatabase } from "./support/databases.js";
import { codes, graphql } from "./support/graphql.js";
import { seedWorld, type World } from "./support/world.js";

// Trusted documents: the persisted-query manifest Apollo's tooling generates, and the mode in
// which only its operations run, on HTTP and every streaming transport.

const HISTORY = "query History($c: ID!) { messages(courseId: $c, last: 5) { id content } }";
const ME = "query Me { me { username } }";
// A manifest lists the exact text each client sends: urql prints every document again, and
// Apollo Client adds __typename (its manifest generator lists what it sends, with the SHA-256 as id).
const ME_URQL = print(parse(ME));
const ROOM_APOLLO = print(addTypenameToDocument(gql(ROOM)));
const SEND = "mutation Send($c: ID!, $t: String!) { sendMessage(courseId: $c, content: $t) { id } }";
const UNLISTED = "query Unlisted { me { id username } }";
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const operations = [
  { body: HISTORY, name: "History", type: "query" },
  { body: ME, name: "Me", type: "query" },
  { body: SEND, name: "Send", type: "mutation" },
  { body: ME_URQL, name: "Me", type: "query" },
  { body: ROOM, name: "Room", type: "subscription" },
  { body: ROOM_APOLLO, name: "Room", type: "subscription" },
].map((op) => ({ id: sha256(op.body), ...op }));
const idOf = (name: string) => operations.find((op) => op.name === name)!.id;
const byId = (name: string) => ({ persistedQuery: { version: 1, sha256Hash: idOf(name) } });

type Body = { data?: any; errors?: { message: string; extensions: Record<string, unknown> }[] };
const reasons = (body: Body) => (body.errors ?? []).map((e) => `${String(e.extensions["code"])}${e.extensions["reason"] ? `/${String(e.extensions["reason"])}` : ""}`);

describe("trusted documents", () => {
  let dir: string;
  let manifestPath: string;
  let db: TestDatabase;
  let world: World;
  let app: App;
  const cleanups: (() => unknown)[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "educa-chat-manifest-"));
    manifestPath = join(dir, "persisted-query-manifest.json");
    writeFileSync(manifestPath, JSON.stringify({ format: "apollo-persisted-query-manifest", version: 1, operations }));
    db = freshSqlite();
    world = await seedWorld(db.url);
    app = await startApp({ DATABASE_URL: db.url, PERSISTED_QUERY_MANIFEST: manifestPath, TRUSTED_DOCUMENTS_ONLY: "true", SEND_RATE_LIMIT: "off" });
  });
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
    await app?.stop();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = async (body: unknown, accept = "application/json", token = world.tokens.alice) => {
    const res = await fetch(`${app.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", accept, authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Body };
  };

  it("runs listed operations over HTTP by id (POST and GET) and by exact text, and refuses the rest with contract codes", async () => {
    expect(await post({ extensions: byId("Me") })).toEqual({ status: 200, body: { data: { me: { username: "alice" } } } });
    const search = new URLSearchParams({ extensions: JSON.stringify(byId("History")), variables: JSON.stringify({ c: world.roomId }) });
    const get = await fetch(`${app.url}/graphql?${search}`, { headers: { authorization: `Bearer ${world.tokens.alice}` } });
    expect([get.status, Array.isArray(((await get.json()) as Body).data?.messages)]).toEqual([200, true]);
    expect((await post({ query: ME })).body).toEqual({ data: { me: { username: "alice" } } });

    const unlisted = await post({ query: UNLISTED });
    expect([unlisted.status, reasons(unlisted.body)]).toEqual([200, ["GRAPHQL_VALIDATION_FAILED/UNTRUSTED_DOCUMENT"]]);
    expect((await post({ query: UNLISTED }, "application/graphql-response+json")).status).toBe(400);
    // Introspection is a document like any other; so is a listed id with a body of its own.
    expect(reasons((await post({ query: "{ __schema { queryType { name } } }" })).body)).toEqual(["GRAPHQL_VALIDATION_FAILED/UNTRUSTED_DOCUMENT"]);
    expect(reasons((await post({ query: UNLISTED, extensions: byId("Me") })).body)).toEqual(["GRAPHQL_VALIDATION_FAILED/UNTRUSTED_DOCUMENT"]);
    expect(reasons((await post({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256("unknown") } } })).body)).toEqual(["PERSISTED_QUERY_NOT_FOUND"]);
  });

  it("serves urql and graphql-request (GET) with listed text, and tells them why the rest is refused", async () => {
    const urql = createUrqlClient({ url: `${app.url}/graphql`, exchanges: [fetchExchange], fetchOptions: { headers: { authorization: `Bearer ${world.tokens.alice}` } } });
    expect((await urql.query(ME_URQL, {}).toPromise()).data).toEqual({ me: { username: "alice" } });
    const refused = await urql.query(UNLISTED, {}).toPromise();
    expect(refused.error?.graphQLErrors.map((e) => e.extensions["reason"])).toEqual(["UNTRUSTED_DOCUMENT"]);

    const client = new GraphQLClient(`${app.url}/graphql`, { method: "GET", headers: { authorization: `Bearer ${world.tokens.alice}` } });
    expect(await client.request(ME)).toEqual({ me: { username: "alice" } });
    const error = await client.request(UNLISTED).catch((e: unknown) => e);
    expect(error instanceof ClientError && error.response.errors?.map((e) => e.extensions?.["reason"])).toEqual(["UNTRUSTED_DOCUMENT"]);
  });

  it("streams a listed subscription named by id to Apollo Client over multipart", async () => {
    const link = ApolloLink.from([createPersistedQueryLink({ sha256 }), new HttpLink({ uri: `${app.url}/graphql`, headers: { authorization: `Bearer ${world.tokens.alice}` } })]);
    const client = new ApolloClient({ link, cache: new InMemoryCache() });
    cleanups.push(() => client.stop());
    const received = new Received();
    // Subscribed after a message of its own: what follows it arrives however long the stream takes to open.
    expect(reasons((await post({ extensions: byId("Send"), variables: { c: world.roomId, t: "before" } })).body)).toEqual([]);
    const after = (await post({ extensions: byId("History"), variables: { c: world.roomId } })).body.data.messages.at(-1)?.id as string;
    const subscription = client.subscribe({ query: gql(ROOM), variables: { courseId: world.roomId, after }, fetchPolicy: "no-cache" }).subscribe({
      next: (r) => (r.error ? (received.error = r.error) : received.results.push(r as Received["results"][number])),
      error: (e: unknown) => (received.error = e),
    });
    cleanups.push(() => subscription.unsubscribe());
    expect(reasons((await post({ extensions: byId("Send"), variables: { c: world.roomId, t: "trusted multipart" } }, "application/json", world.tokens.bob)).body)).toEqual([]);
    await expect.poll(() => received.messages().map((m) => m.content), { timeout: 10_000 }).toEqual(["trusted multipart"]);
    expect(received.error).toBeNull();
  });

  it("holds every streaming transport to the list: graphql-sse, graphql-ws and the legacy subprotocol", async () => {
    const latest = async () => (await post({ extensions: byId("History"), variables: { c: world.roomId } })).body.data.messages.at(-1)?.id as string;
    const sse = createSseClient({ url: `${app.url}/graphql`, headers: { authorization: `Bearer ${world.tokens.alice}` }, retryAttempts: 0 });
    const ws = createWsClient({ url: `${app.url.replace(/^http/, "ws")}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${world.tokens.alice}` } });
    const legacy = legacyClient(app.url, world.tokens.alice);
    cleanups.push(() => sse.dispose(), () => ws.dispose(), () => legacy.dispose());
    const follow = (start: (sink: { next(r: unknown): void; error(e: unknown): void; complete(): void }) => unknown) => {
      const received = new Received();
      start({ next: (r) => received.results.push(r as Received["results"][number]), error: (e) => (received.error = e), complete: () => (received.completed = true) });
      return received;
    };
    expect(codes(await graphql(app.url, SEND, { c: world.roomId, t: "a cursor to follow" }, world.tokens.bob))).toEqual([]);
    const after = await latest();
    const listed = [
      // graphql-sse by id (no query at all), graphql-ws by id (its protocol wants a query string: an empty one), the legacy client by text.
      follow((sink) => sse.subscribe({ query: undefined as unknown as string, variables: { courseId: world.roomId, after }, extensions: byId("Room") }, sink)),
      follow((sink) => ws.subscribe({ query: "", variables: { courseId: world.roomId, after }, extensions: byId("Room") }, sink)),
      follow((sink) => legacy.client.request({ query: ROOM, variables: { courseId: world.roomId, after } }).subscribe(sink)),
    ];
    expect(codes(await graphql(app.url, SEND, { c: world.roomId, t: "trusted everywhere" }, world.tokens.bob))).toEqual([]);
    for (const received of listed) await expect.poll(() => received.messages().map((m) => m.content), { timeout: 10_000 }).toEqual(["trusted everywhere"]);

    const unlisted = "subscription Unlisted($courseId: ID!) { messageAdded(courseId: $courseId) { id } }";
    const refusals = [
      follow((sink) => sse.subscribe({ query: unlisted, variables: { courseId: world.roomId } }, sink)),
      follow((sink) => ws.subscribe({ query: unlisted, variables: { courseId: world.roomId } }, sink)),
      follow((sink) => legacy.client.request({ query: unlisted, variables: { courseId: world.roomId } }).subscribe(sink)),
      follow((sink) => ws.subscribe({ query: "", variables: {}, extensions: { persistedQuery: { version: 1, sha256Hash: sha256("unknown") } } }, sink)),
    ];
    for (const received of refusals.slice(0, 3)) await expect.poll(() => received.codes(), { timeout: 10_000 }).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
    await expect.poll(() => refusals[3]!.codes(), { timeout: 10_000 }).toEqual(["PERSISTED_QUERY_NOT_FOUND"]);
  });

  it("resolves ids without restricting anything when the mode is off", async () => {
    const open = await startApp({ DATABASE_URL: db.url, PERSISTED_QUERY_MANIFEST: manifestPath });
    try {
      const run = (body: unknown) =>
        fetch(`${open.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${world.tokens.alice}` }, body: JSON.stringify(body) }).then(
          (res) => res.json() as Promise<Body>,
        );
      expect(await run({ extensions: byId("Me") })).toEqual({ data: { me: { username: "alice" } } });
      expect((await run({ query: UNLISTED })).data).toEqual({ me: { id: world.userIds.alice, username: "alice" } });
    } finally {
      await open.stop();
    }
  });

  it("refuses to start on a bad manifest or a mode without one, listed with every other bad variable", () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
        return [];
      } catch (err) {
        return err instanceof ConfigError ? err.problems : [String(err)];
      }
    };
    expect(problems({ TRUSTED_DOCUMENTS_ONLY: "true", PORT: "nope" })).toEqual([expect.stringMatching(/^PORT: /), "TRUSTED_DOCUMENTS_ONLY: needs PERSISTED_QUERY_MANIFEST (the operations that may run)"]);
    const wrong = join(dir, "wrong.json");
    writeFileSync(wrong, JSON.stringify({ format: "something-else", version: 1, operations: [] }));
    expect(problems({ PERSISTED_QUERY_MANIFEST: wrong, TRUSTED_DOCUMENTS_ONLY: "true" })).toEqual([expect.stringContaining(`PERSISTED_QUERY_MANIFEST: ${wrong} is not an apollo-persisted-query-manifest: format:`)]);
    expect(problems({ PERSISTED_QUERY_MANIFEST: join(dir, "missing.json") })).toEqual([expect.stringContaining("PERSISTED_QUERY_MANIFEST: cannot read")]);
  });
});
