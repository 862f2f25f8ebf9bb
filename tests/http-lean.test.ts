import { request } from "node:http";
import { describe, expect, it } from "vitest";
import { recordingLogger, seededAppForSuite } from "./support/app.js";

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * POST /graphql with a known length (what the lean path takes) or chunked (what it leaves to
 * express): otherwise the same request, so the two answers must be the same.
 */
function post(url: string, body: string | Buffer, headers: Record<string, string>, framing: "length" | "chunked"): Promise<Answer> {
  const bytes = typeof body === "string" ? Buffer.from(body) : body;
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/graphql`,
      { method: "POST", headers: { "content-type": "application/json", ...headers, ...(framing === "length" ? { "content-length": String(bytes.length) } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on("error", reject);
    if (framing === "chunked") {
      // Two writes without a length: Node frames the body as chunked.
      req.write(bytes.subarray(0, 1));
      req.end(bytes.subarray(1));
    } else req.end(bytes);
  });
}

/** What must match between the two paths: everything but the date and a generated request id. */
function comparable(answer: Answer, ownRequestId: boolean) {
  const { date: _date, "x-request-id": requestId, ...headers } = answer.headers;
  return { status: answer.status, headers, body: answer.body, ...(ownRequestId ? { requestId } : {}) };
}

const ORIGIN = "https://courses.example";

describe("plain JSON POSTs answered without express", () => {
  const { logger, lines } = recordingLogger();

  const suite = seededAppForSuite({ ALLOWED_ORIGINS: ORIGIN }, logger);

  const cases: { name: string; body: () => string | Buffer; headers?: () => Record<string, string> }[] = [
    { name: "an anonymous query", body: () => JSON.stringify({ query: "{ __typename }" }) },
    { name: "an authenticated query", body: () => JSON.stringify({ query: "{ me { id username } }" }), headers: () => ({ authorization: `Bearer ${suite.world.tokens.alice}` }) },
    { name: "a token that does not verify", body: () => JSON.stringify({ query: "{ me { id } }" }), headers: () => ({ authorization: "Bearer nope" }) },
    { name: "an allowed origin", body: () => JSON.stringify({ query: "{ __typename }" }), headers: () => ({ origin: ORIGIN }) },
    { name: "another site's origin", body: () => JSON.stringify({ query: "{ __typename }" }), headers: () => ({ origin: "https://evil.example" }) },
    { name: "a client's request id", body: () => JSON.stringify({ query: "{ __typename }" }), headers: () => ({ "x-request-id": "client-chosen-id" }) },
    { name: "a charset parameter", body: () => JSON.stringify({ query: "{ __typename }" }), headers: () => ({ "content-type": "application/json; charset=utf-8" }) },
    {
      name: "a document error under graphql-response+json",
      body: () => JSON.stringify({ query: "{ courses { nope } }" }),
      headers: () => ({ accept: "application/graphql-response+json" }),
    },
    { name: "a document error under application/json", body: () => JSON.stringify({ query: "{ courses { id " }), headers: () => ({ accept: "application/json" }) },
    { name: "Apollo's legacy callback type", body: () => JSON.stringify({ query: "{ __typename }" }), headers: () => ({ accept: "application/json; callbackSpec=1.0" }) },
    { name: "malformed JSON", body: () => "{nope" },
    { name: "a bare JSON value", body: () => "null" },
    { name: "invalid UTF-8", body: () => Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]) },
    { name: "a byte order mark", body: () => `\ufeff${JSON.stringify({ query: "{ __typename }" })}` },
    { name: "an empty object", body: () => "{}" },
    { name: "a batch", body: () => JSON.stringify([{ query: "{ __typename }" }]) },
    { name: "a subscription", body: () => JSON.stringify({ query: `subscription { messageAdded(courseId: "${suite.world.roomId}") { id } }` }) },
    { name: "missing variables", body: () => JSON.stringify({ query: "query ($id: ID!) { course(id: $id) { id } }" }), headers: () => ({ authorization: `Bearer ${suite.world.tokens.alice}` }) },
  ];

  for (const { name, body, headers } of cases) {
    it(`answers ${name} as express does`, async () => {
      const given = headers?.() ?? {};
      const lean = await post(suite.app.url, body(), given, "length");
      const viaExpress = await post(suite.app.url, body(), given, "chunked");
      const own = "x-request-id" in given;
      expect(comparable(lean, own)).toEqual(comparable(viaExpress, own));
      if (!own) expect(lean.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    });
  }

  it("sends helmet's headers and CORS's for an allowed origin", async () => {
    const lean = await post(suite.app.url, JSON.stringify({ query: "{ __typename }" }), { origin: ORIGIN }, "length");
    expect(lean.status).toBe(200);
    expect(lean.headers["content-security-policy"]).toContain("default-src 'self'");
    expect(lean.headers["x-content-type-options"]).toBe("nosniff");
    expect(lean.headers["access-control-allow-origin"]).toBe(ORIGIN);
    expect(lean.headers["vary"]).toBe("Origin");
    expect(lean.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(lean.headers["x-powered-by"]).toBeUndefined();
  });

  it("refuses a body over the limit with 413 and the contract's code", async () => {
    const answer = await post(suite.app.url, JSON.stringify({ query: "{ __typename }", variables: { pad: "x".repeat(200_000) } }), {}, "length");
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ errors: [{ extensions: { code: "BAD_USER_INPUT" } }] });
  });

  it("logs one line per request, with its id, path and status", async () => {
    await post(suite.app.url, JSON.stringify({ query: "{ __typename }" }), { "x-request-id": "logged-lean" }, "length");
    await post(suite.app.url, "{nope", { "x-request-id": "logged-lean-error" }, "length");
    await new Promise((resolve) => setTimeout(resolve, 50));
    const logged = (id: string) => lines.filter((l) => l["requestId"] === id).map(({ method, path, status, msg }) => ({ method, path, status, msg }));
    expect(logged("logged-lean")).toEqual([{ method: "POST", path: "/graphql", status: 200, msg: "http request" }]);
    expect(logged("logged-lean-error")).toEqual([{ method: "POST", path: "/graphql", status: 400, msg: "http request" }]);
  });
});
