import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { seededAppForSuite } from "./support/app.js";
import { scrapeMetrics } from "./support/databases.js";
import { codes, graphql, TestSocket } from "./support/graphql.js";

function metric(text: string, name: string, labels = ""): number {
  const line = text.split("\n").find((l) => l.startsWith(`${name}${labels} `) || (labels === "" && l.startsWith(`${name} `)));
  return line ? Number(line.split(" ").at(-1)) : NaN;
}

describe("metrics, persisted queries and headers", () => {
  const suite = seededAppForSuite({ SEND_RATE_LIMIT: "2/60s", NODE_ENV: "production" });

  const scrape = async () => scrapeMetrics(suite.app.url);

  it("moves /metrics when messages flow: sockets, subscriptions, sent, delivered, latency, refusals", async () => {
    const before = await scrape();
    expect(before).toContain("educa_chat_process_cpu_seconds_total");
    const socket = await TestSocket.connect(suite.app.url, suite.world.tokens.alice);
    const sub = socket.subscribe(`subscription($id: ID!) { messageAdded(courseId: $id) { id } }`, { id: suite.world.roomId });
    for (let i = 0; i < 20 && socket.results(sub).length === 0; i++) {
      await graphql(suite.app.url, `mutation($id: ID!) { sendMessage(courseId: $id, content: "m") { id } }`, { id: suite.world.roomId }, suite.world.tokens.staff);
      await socket.waitFor(() => socket.results(sub).length > 0, 300).catch(() => undefined);
    }
    const during = await scrape();
    expect(metric(during, "educa_chat_websockets_open")).toBe(1);
    expect(metric(during, "educa_chat_subscriptions_active")).toBe(1);
    expect(metric(during, "educa_chat_messages_sent_total")).toBeGreaterThan(metric(before, "educa_chat_messages_sent_total"));
    expect(metric(during, "educa_chat_messages_delivered_total", '{source="live"}')).toBeGreaterThanOrEqual(1);
    expect(metric(during, "educa_chat_delivery_latency_seconds_count")).toBeGreaterThanOrEqual(1);
    expect(metric(during, "educa_chat_send_latency_seconds_count")).toBeGreaterThanOrEqual(1);
    for (let i = 0; i < 3; i++) await graphql(suite.app.url, `mutation($id: ID!) { sendMessage(courseId: $id, content: "x") { id } }`, { id: suite.world.roomId }, suite.world.tokens.bob);
    expect(metric(await scrape(), "educa_chat_rate_limited_total")).toBe(1);
    await socket.close();
    await new Promise((r) => setTimeout(r, 100));
    const after = await scrape();
    expect(metric(after, "educa_chat_websockets_open")).toBe(0);
    expect(metric(after, "educa_chat_subscriptions_active")).toBe(0);
    // Bounded labels: no ids in any series.
    expect(after).not.toMatch(/(course|user|message)_?id="/i);
  });

  it("answers automatic persisted queries: hash unknown, then registered, then by hash alone", async () => {
    const query = `{ courses { title } }`;
    const sha256Hash = createHash("sha256").update(query).digest("hex");
    const extensions = { persistedQuery: { version: 1, sha256Hash } };
    const post = (body: object) =>
      fetch(`${suite.app.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).then((r) => r.json());
    expect(codes((await post({ extensions })) as never)).toEqual(["PERSISTED_QUERY_NOT_FOUND"]);
    expect(((await post({ query, extensions })) as { data: unknown }).data).toEqual({ courses: [{ title: "Distributed Systems" }, { title: "Compilers" }] });
    expect(((await post({ extensions })) as { data: unknown }).data).toEqual({ courses: [{ title: "Distributed Systems" }, { title: "Compilers" }] });
    const get = await fetch(`${suite.app.url}/graphql?extensions=${encodeURIComponent(JSON.stringify(extensions))}`, { headers: { "apollo-require-preflight": "1" } });
    expect(((await get.json()) as { data: unknown }).data).toEqual({ courses: [{ title: "Distributed Systems" }, { title: "Compilers" }] });
  });

  it("sends a strict Content-Security-Policy, nosniff and frame-ancestors 'none'", async () => {
    for (const path of ["/", "/graphql", "/healthz"]) {
      const res = await fetch(`${suite.app.url}${path}`, path === "/graphql" ? { method: "POST", headers: { "content-type": "application/json" }, body: "{}" } : {});
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain("unsafe-eval");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    }
  });

  it("refuses batched requests and cross-site simple POSTs (CSRF); a plain GET runs a query", async () => {
    const batch = await fetch(`${suite.app.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([{ query: "{ courses { id } }" }, { query: "{ courses { id } }" }]),
    });
    expect(batch.status).toBe(400);
    // Bearer tokens only: a cross-site GET is anonymous and reads what anyone may (tests/http-clients.test.ts).
    const simple = await fetch(`${suite.app.url}/graphql?query=${encodeURIComponent("{ courses { id } }")}`);
    expect(simple.status).toBe(200);
    const form = await fetch(`${suite.app.url}/graphql`, { method: "POST", headers: { "content-type": "text/plain" }, body: `{"query":"{ courses { id } }"}` });
    expect(form.status).toBe(415);
  });
});
