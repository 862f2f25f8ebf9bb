import { auditServer, type AuditResult } from "graphql-http";
import { beforeAll, describe, expect, it } from "vitest";
import { recordingLogger, seededAppForSuite } from "./support/app.js";

/** One line per failed audit: its requirement, what it checks and why it failed. */
const describeFailures = (results: AuditResult[]) =>
  results.filter((r) => r.status !== "ok").map((r) => `${r.status} ${r.id} ${r.name}: ${"reason" in r ? r.reason : ""}`);

const ROOM = "subscription Room($id: ID!) { messageAdded(courseId: $id) { id content } }";

describe("GraphQL over HTTP", () => {
  const { logger, lines } = recordingLogger();

  const suite = seededAppForSuite({}, logger);

  describe("the graphql-http server audit", () => {
    let results: AuditResult[];
    beforeAll(async () => {
      results = await auditServer({ url: `${suite.app.url}/graphql` });
    });

    it("ran the audit", () => {
      expect(results.length).toBeGreaterThan(50);
    });

    it("passes every MUST", () => {
      expect(describeFailures(results.filter((r) => r.name.startsWith("MUST")))).toEqual([]);
    });

    it("passes every SHOULD", () => {
      expect(describeFailures(results.filter((r) => r.name.startsWith("SHOULD")))).toEqual([]);
    });
  });

  it("answers a document error 200 under application/json and 400 under application/graphql-response+json", async () => {
    const post = (accept: string, query: string, variables: Record<string, unknown> = {}) =>
      fetch(`${suite.app.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", accept }, body: JSON.stringify({ query, variables }) });
    const documents = [
      { query: "{ courses { id ", code: "GRAPHQL_PARSE_FAILED" },
      { query: "{ courses { nope } }", code: "GRAPHQL_VALIDATION_FAILED" },
      { query: "query ($id: ID!) { course(id: $id) { id } }", code: "BAD_USER_INPUT", variables: { id: { not: "an id" } } },
    ];
    for (const { query, code, variables } of documents) {
      for (const [accept, status, type] of [
        ["application/json", 200, "application/json"],
        ["*/*", 200, "application/json"],
        ["application/graphql-response+json", 400, "application/graphql-response+json"],
        ["application/graphql-response+json, application/json;q=0.9", 400, "application/graphql-response+json"],
      ] as const) {
        const res = await post(accept, query, variables);
        expect([res.status, res.headers.get("content-type")?.split(";")[0]], `${code} with ${accept}`).toEqual([status, type]);
        const body = (await res.json()) as { data?: unknown; errors: { extensions: { code: string } }[] };
        expect(body.data).toBeUndefined();
        expect(body.errors.map((e) => e.extensions.code)).toEqual([code]);
      }
    }
  });

  describe("a subscription sent as a plain HTTP request", () => {
    type Refusal = { data?: unknown; errors: { message: string; extensions: Record<string, unknown> }[] };
    const TRANSPORTS = [
      { protocol: "graphql-transport-ws", transport: "websocket", path: "/graphql" },
      { protocol: "graphql-ws", transport: "websocket", path: "/graphql" },
      { protocol: "multipart-subscriptions", transport: "http", path: "/graphql", accept: "multipart/mixed;subscriptionSpec=1.0" },
      { protocol: "graphql-sse", transport: "http", path: "/graphql", accept: "text/event-stream" },
    ];
    const expectRefusal = async (res: Response) => {
      const body = (await res.json()) as Refusal;
      expect(res.status).toBe(406);
      expect(body.data).toBeUndefined();
      expect(body.errors).toHaveLength(1);
      const [error] = body.errors;
      expect(error?.extensions).toEqual({ code: "BAD_USER_INPUT", reason: "SUBSCRIPTION_TRANSPORT_REQUIRED", transports: TRANSPORTS });
      expect(error?.message).toContain("WebSocket at /graphql (subprotocol graphql-transport-ws)");
      expect(error?.message).toContain("(Accept: multipart/mixed;subscriptionSpec=1.0)");
      expect(error?.message).toContain("(Accept: text/event-stream)");
    };

    it("is refused with 406 naming every transport, over POST and GET, and no resolver runs", async () => {
      const body = JSON.stringify({ query: ROOM, variables: { id: suite.world.roomId }, operationName: "Room" });
      const auth = { authorization: `Bearer ${suite.world.tokens.alice}` };
      const json = { "content-type": "application/json", ...auth };
      await expectRefusal(await fetch(`${suite.app.url}/graphql`, { method: "POST", headers: json, body }));
      await expectRefusal(await fetch(`${suite.app.url}/graphql`, { method: "POST", headers: { ...json, accept: "application/graphql-response+json, application/json" }, body }));
      // A multipart Accept without the subscription spec is @defer's, not a subscription transport.
      await expectRefusal(await fetch(`${suite.app.url}/graphql`, { method: "POST", headers: { ...json, accept: "multipart/mixed;deferSpec=20220824,application/json" }, body }));
      const search = new URLSearchParams({ query: ROOM, variables: JSON.stringify({ id: suite.world.roomId }) });
      await expectRefusal(await fetch(`${suite.app.url}/graphql?${search}`, { headers: auth }));
      // Anonymous too: the transport is wrong before anything else is.
      await expectRefusal(await fetch(`${suite.app.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body }));
      expect(lines.filter((l) => Number(l["level"]) >= 50)).toEqual([]);
    });

    it("is streamed when its Accept names a streaming transport", async () => {
      const body = JSON.stringify({ query: ROOM, variables: { id: suite.world.roomId }, operationName: "Room" });
      const headers = { "content-type": "application/json", authorization: `Bearer ${suite.world.tokens.alice}` };
      for (const [accept, type] of [
        ["multipart/mixed;subscriptionSpec=1.0,application/json", "multipart/mixed"],
        ["text/event-stream", "text/event-stream"],
      ] as const) {
        const abort = new AbortController();
        const res = await fetch(`${suite.app.url}/graphql`, { method: "POST", headers: { ...headers, accept }, body, signal: abort.signal });
        expect([res.status, res.headers.get("content-type")?.split(";")[0]], accept).toEqual([200, type]);
        abort.abort();
      }
    });

    it("leaves a document whose chosen operation is a query to run", async () => {
      const query = `query Titles { courses { title } } ${ROOM}`;
      const res = await fetch(`${suite.app.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, operationName: "Titles" }) });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { data: { courses: unknown[] } }).data.courses).toHaveLength(2);
    });
  });
});
