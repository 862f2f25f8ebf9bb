import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cacheExchange, createClient, fetchExchange, gql } from "@urql/core";
import { GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../server/src/app.js";
import type { TestDatabase } from "./support/databases.js";
import { recordingLogger, startSeededApp } from "./support/app.js";
import { graphql } from "./support/graphql.js";
import { PASSWORD, type World } from "./support/world.js";

const COURSES = "query Courses { courses { title } }";
const TITLES = { courses: [{ title: "Distributed Systems" }, { title: "Compilers" }] };

describe("standard GETs and the CSRF rule (bearer tokens, no cookies)", () => {
  let app: App;
  let db: TestDatabase;
  let world: World;
  let dist: string;
  const { logger, lines } = recordingLogger();
  /** Methods of the /graphql requests the server logged since `from`. */
  const methodsSince = (from: number) => lines.slice(from).filter((l) => l["path"] === "/graphql").map((l) => l["method"]);

  beforeAll(async () => {
    // A built client (only what routing looks at): the playground page exists.
    dist = mkdtempSync(join(tmpdir(), "educa-chat-dist-"));
    writeFileSync(join(dist, "playground.html"), "<!doctype html><title>playground</title>");
    writeFileSync(join(dist, "index.html"), "<!doctype html><title>app</title>");
    ({ app, db, world } = await startSeededApp({ CLIENT_DIST: dist }, logger));
  });
  afterAll(async () => {
    await app?.stop();
    await db?.drop();
    rmSync(dist, { recursive: true, force: true });
  });

  /** Whether `register` (over a JSON POST) takes the name: it would not if an earlier request had. */
  const registers = async (username: string) =>
    !!(await graphql<{ register: { token: string } }>(app.url, "mutation ($u: String!, $p: String!) { register(username: $u, password: $p) { token } }", { u: username, p: PASSWORD })).data?.register.token;

  it("serves urql on its default configuration (queries over GET), anonymous and with a token", async () => {
    const from = lines.length;
    const client = createClient({ url: `${app.url}/graphql`, exchanges: [cacheExchange, fetchExchange] });
    const anonymous = await client.query(gql(COURSES), {}).toPromise();
    expect(anonymous.error).toBeUndefined();
    expect(anonymous.data).toEqual({ courses: TITLES.courses.map((c) => ({ ...c, __typename: "Course" })) });

    const alice = createClient({
      url: `${app.url}/graphql`,
      exchanges: [cacheExchange, fetchExchange],
      fetchOptions: () => ({ headers: { authorization: `Bearer ${world.tokens.alice}` } }),
    });
    const me = await alice.query(gql("query Me { me { username } }"), {}).toPromise();
    expect(me.error).toBeUndefined();
    expect(me.data).toEqual({ me: { username: "alice", __typename: "User" } });
    expect(methodsSince(from)).toEqual(["GET", "GET"]);
  });

  it("serves graphql-request with GET", async () => {
    const from = lines.length;
    const client = new GraphQLClient(`${app.url}/graphql`, { method: "GET", headers: { authorization: `Bearer ${world.tokens.bob}` } });
    expect(await client.request<{ courses: unknown }>(COURSES)).toEqual(TITLES);
    expect(await client.request(`query Course($id: ID!) { course(id: $id) { title isMember } }`, { id: world.roomId })).toEqual({
      course: { title: "Distributed Systems", isMember: true },
    });
    expect(methodsSince(from)).toEqual(["GET", "GET"]);
  });

  it("serves a CDN-style GET with no headers at all, and a hash-only persisted query", async () => {
    const plain = await fetch(`${app.url}/graphql?query=${encodeURIComponent(COURSES)}`);
    expect(plain.status).toBe(200);
    expect(((await plain.json()) as { data: unknown }).data).toEqual(TITLES);

    const query = "{ courses { title overview } }";
    const extensions = JSON.stringify({ persistedQuery: { version: 1, sha256Hash: createHash("sha256").update(query).digest("hex") } });
    const unknown = await fetch(`${app.url}/graphql?extensions=${encodeURIComponent(extensions)}`);
    expect(((await unknown.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe("PERSISTED_QUERY_NOT_FOUND");
    const registered = await fetch(`${app.url}/graphql?query=${encodeURIComponent(query)}&extensions=${encodeURIComponent(extensions)}`);
    expect(registered.status).toBe(200);
    const byHash = await fetch(`${app.url}/graphql?extensions=${encodeURIComponent(extensions)}`);
    expect(byHash.status).toBe(200);
    expect(((await byHash.json()) as { data: { courses: unknown[] } }).data.courses).toHaveLength(2);
  });

  it("refuses a mutation over GET, which then has had no effect", async () => {
    const mutation = `mutation { register(username: "via_get", password: "${PASSWORD}") { token } }`;
    const res = await fetch(`${app.url}/graphql?query=${encodeURIComponent(mutation)}`);
    expect(res.status).toBe(405);
    expect(((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe("BAD_USER_INPUT");
    expect(await registers("via_get")).toBe(true);
  });

  it("refuses every POST a page on another site could send without a preflight", async () => {
    const body = JSON.stringify({ query: `mutation { register(username: "via_form", password: "${PASSWORD}") { token } }` });
    for (const headers of [
      { "content-type": "text/plain" } as Record<string, string>,
      { "content-type": "application/x-www-form-urlencoded" },
      { "content-type": "multipart/form-data; boundary=x" },
      {},
    ]) {
      const res = await fetch(`${app.url}/graphql`, { method: "POST", headers, body: Buffer.from(body) });
      expect(res.status, JSON.stringify(headers)).toBe(415);
      expect(((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe("BAD_USER_INPUT");
    }
    expect(await registers("via_form")).toBe(true);
    // The JSON POST such a page would need is preflighted, and a foreign origin is not allowed.
    const preflight = await fetch(`${app.url}/graphql`, {
      method: "OPTIONS",
      headers: { origin: "https://evil.example", "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
    });
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("sends only a browser asking for HTML to the playground", async () => {
    const get = (headers: Record<string, string>) => fetch(`${app.url}/graphql`, { headers, redirect: "manual" });
    const browser = await get({ accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" });
    expect([browser.status, browser.headers.get("location")]).toEqual([302, "/playground"]);
    for (const headers of [{} as Record<string, string>, { accept: "*/*" }, { accept: "application/json" }, { accept: "application/graphql-response+json, application/json" }]) {
      const res = await get(headers);
      expect(res.status, JSON.stringify(headers)).toBe(400);
      expect(res.headers.get("content-type"), JSON.stringify(headers)).toMatch(/json/);
    }
    // A browser's address bar with a query runs it.
    const typed = await fetch(`${app.url}/graphql?query=${encodeURIComponent(COURSES)}`, { headers: { accept: "text/html,*/*;q=0.8" }, redirect: "manual" });
    expect(typed.status).toBe(200);
  });
});
