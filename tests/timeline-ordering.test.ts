import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codes, graphql, TestSocket } from "./support/graphql.js";
import { startTopology, type Topology } from "./support/topology.js";

const SEND = `mutation($id: ID!, $c: String!, $r: ID) { sendMessage(courseId: $id, content: $c, replyToId: $r) { id } }`;
const EDIT = `mutation($id: ID!, $c: String!) { editMessage(messageId: $id, content: $c) { id } }`;
const REACT = `mutation($id: ID!, $e: String!) { addReaction(messageId: $id, emoji: $e) { id } }`;
const EVENTS = `subscription($id: ID!, $after: ID) { roomEvents(courseId: $id, after: $after) { cursor kind } }`;

/**
 * The commit-order trap for every kind of event: a trigger sleeps a random moment after each
 * room event is inserted, inside its transaction, so events commit late and out of the order
 * instances publish them in. Subscribers on both instances must still see every stored event
 * once, in order: sends, edits, reactions and thread updates interleaved from both instances.
 */
describe("room events become visible in commit order (postgresql, delayed commits)", () => {
  let t: Topology;
  const sql = async <R extends pg.QueryResultRow>(text: string, params: unknown[] = []): Promise<R[]> => {
    const client = new pg.Client({ connectionString: t.databaseUrl });
    await client.connect();
    try {
      return (await client.query<R>(text, params)).rows;
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    t = await startTopology("postgresql + redis, two processes", { SEND_RATE_LIMIT: "off" });
    await sql(`
      create function delay_commit() returns trigger language plpgsql as $$
      begin perform pg_sleep(random() * 0.04); return new; end $$;
      create trigger delay_commit after insert on room_events for each row execute function delay_commit();`);
  });
  afterAll(async () => t?.stop());

  it("never lets a subscriber skip or repeat an event that committed late, whatever its kind", async () => {
    const [a, b] = t.urls;
    const { roomId, tokens } = t.world;
    const anchor = (await graphql(a, SEND, { id: roomId, c: "anchor" }, tokens.teacher)).data?.["sendMessage"].id as string;
    const targets: string[] = [];
    for (let i = 0; i < 6; i++) targets.push((await graphql(b, SEND, { id: roomId, c: `target ${i}` }, tokens.alice)).data?.["sendMessage"].id);
    const subscribers = await Promise.all([TestSocket.connect(a, tokens.teacher), TestSocket.connect(b, tokens.staff)]);
    const ops = subscribers.map((s) => s.subscribe(EVENTS, { id: roomId, after: anchor }));

    const emoji = ["👍", "🎉", "👀", "🔥"];
    const users = [tokens.alice, tokens.bob, tokens.teacher, tokens.staff];
    const changes = Array.from({ length: 60 }, (_, i) => {
      const url = i % 2 ? a : b;
      const target = targets[i % targets.length]!;
      switch (i % 4) {
        case 0:
          return graphql(url, SEND, { id: roomId, c: `race ${i}` }, users[i % users.length]);
        case 1:
          return graphql(url, EDIT, { id: target, c: `edited ${i}` }, tokens.alice);
        case 2:
          return graphql(url, REACT, { id: target, e: emoji[i % emoji.length] }, users[(i >> 2) % users.length]);
        default:
          return graphql(url, SEND, { id: roomId, c: `reply ${i}`, r: target }, tokens.bob);
      }
    });
    const results = await Promise.all(changes);
    expect(results.flatMap((r) => codes(r))).toEqual([]);

    const stored = (await sql<{ id: string }>("select id from room_events where course_id = $1 and id > $2 order by id", [roomId, anchor])).map((r) => String(r.id));
    for (const [i, s] of subscribers.entries()) {
      const cursors = () => s.results(ops[i]!).map((r) => r.data.roomEvents.cursor as string);
      await s.waitFor(() => cursors().length >= stored.length, 20_000);
      expect(cursors()).toEqual(stored);
      await s.close();
    }
    // Every kind was in the race.
    const kinds = await sql<{ kind: string }>("select distinct kind from room_events where course_id = $1 and id > $2", [roomId, anchor]);
    expect(kinds.map((k) => k.kind).sort()).toEqual(["added", "edited", "reactions", "thread"]);
  });
});
