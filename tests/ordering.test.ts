import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql, TestSocket } from "./support/graphql.js";
import { startTopology, type Topology } from "./support/topology.js";

const SEND = `mutation($courseId: ID!, $content: String!) { sendMessage(courseId: $courseId, content: $content) { id } }`;
const AFTER = `query($courseId: ID!, $after: ID) { messages(courseId: $courseId, last: 100, after: $after) { id } }`;
const ADDED = `subscription($courseId: ID!) { messageAdded(courseId: $courseId) { id content } }`;

/**
 * The commit-order trap: on PostgreSQL a transaction can take id 10 and commit after the one
 * holding id 11, so a reader asking for "newer than 11" never sees 10. A trigger that sleeps
 * a random moment after each insert, inside the sending transaction, makes late commits
 * routine; a reader polling with `after` and subscribers on both instances must still see
 * every stored id, once, in order.
 */
describe("message ids become visible in commit order (postgresql, delayed commits)", () => {
  let t: Topology;

  beforeAll(async () => {
    t = await startTopology("postgresql + redis, two processes", { SEND_RATE_LIMIT: "off" });
    const client = new pg.Client({ connectionString: t.databaseUrl });
    await client.connect();
    await client.query(`
      create function delay_commit() returns trigger language plpgsql as $$
      begin perform pg_sleep(random() * 0.04); return new; end $$;
      create trigger delay_commit after insert on messages for each row execute function delay_commit();`);
    await client.end();
  });
  afterAll(async () => t?.stop());

  it("never lets a reader skip a message that committed late", async () => {
    const [a, b] = t.urls;
    const { roomId, tokens } = t.world;
    const subscribers = await Promise.all([TestSocket.connect(a, tokens.teacher), TestSocket.connect(b, tokens.teacher)]);
    const subs = subscribers.map((s) => s.subscribe(ADDED, { courseId: roomId }));
    // Probe until both subscriptions are live.
    for (let i = 0; i < 50 && subscribers.some((s, j) => s.results(subs[j]!).length === 0); i++) {
      await graphql(a, SEND, { courseId: roomId, content: "probe" }, tokens.staff);
      await new Promise((r) => setTimeout(r, 100));
    }
    const [{ rows }] = [await (async () => {
      const c = new pg.Client({ connectionString: t.databaseUrl });
      await c.connect();
      const r = await c.query<{ max: number }>("select coalesce(max(id), 0) as max from messages");
      await c.end();
      return r;
    })()];
    const start = String(rows[0]!.max);

    let polling = true;
    const seenByPoller: string[] = [];
    const poller = (async () => {
      let after = start;
      while (polling) {
        const res = await graphql(b, AFTER, { courseId: roomId, after }, tokens.teacher);
        for (const m of res.data?.["messages"] ?? []) {
          seenByPoller.push(m.id);
          after = m.id;
        }
      }
    })();

    const senders = [tokens.alice, tokens.bob, tokens.teacher, tokens.staff];
    const sends = Array.from({ length: 60 }, (_, i) =>
      graphql(i % 2 ? a : b, SEND, { courseId: roomId, content: `race ${i}` }, senders[i % senders.length]),
    );
    const results = await Promise.all(sends);
    expect(results.every((r) => r.errors === undefined)).toBe(true);

    const stored = (await graphql(a, AFTER, { courseId: roomId, after: start }, tokens.teacher)).data?.["messages"].map((m: { id: string }) => m.id);
    expect(stored).toHaveLength(60);
    // Let the poller pass the newest id once more, then stop it.
    while (seenByPoller.at(-1) !== stored.at(-1)) await new Promise((r) => setTimeout(r, 20));
    polling = false;
    await poller;
    expect(seenByPoller).toEqual(stored);

    for (const [i, s] of subscribers.entries()) {
      const races = () => s.results(subs[i]!).map((r) => r.data.messageAdded).filter((m) => m.content.startsWith("race ")).map((m) => m.id);
      await s.waitFor(() => races().length >= 60);
      expect(races()).toEqual(stored);
      await s.close();
    }
  });
});
