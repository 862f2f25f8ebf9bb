import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshPostgres, freshRedisPrefix, REDIS_URL, TEST_SECRET, type TestDatabase } from "../support/databases.js";
import { graphql, TestSocket } from "../support/graphql.js";
import { type ServerProcess, startServerProcess } from "../support/server-process.js";
import { seedWorld, type World } from "../support/world.js";

const SEND = `mutation($id: ID!, $c: String!) { sendMessage(courseId: $id, content: $c) { id } }`;
const ADDED = `subscription($id: ID!, $after: ID) { messageAdded(courseId: $id, after: $after) { id } }`;
const AFTER = `query($id: ID!, $after: ID) { messages(courseId: $id, last: 100, after: $after) { id } }`;

/** kill -9 one of two instances while 500 sends are in flight. */
describe("an instance crashes mid-flow", () => {
  let db: TestDatabase;
  let servers: ServerProcess[];
  let world: World;
  beforeAll(async () => {
    db = await freshPostgres();
    world = await seedWorld(db.url);
    const env = { DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: freshRedisPrefix(), SECRET_KEY: TEST_SECRET, SEND_RATE_LIMIT: "off" };
    servers = await Promise.all([startServerProcess(env), startServerProcess(env)]);
  });
  afterAll(async () => {
    await Promise.all((servers ?? []).map((s) => s.stop()));
    await db?.drop();
  });

  it("keeps every acknowledged send, and clients of the dead instance resume on the other with exactly the stored list", async () => {
    const [victim, survivor] = servers as [ServerProcess, ServerProcess];
    const { roomId, tokens } = world;
    const start = (await graphql(survivor.url, SEND, { id: roomId, c: "start" }, tokens.staff)).data?.["sendMessage"].id as string;
    const onVictim = await TestSocket.connect(victim.url, tokens.alice);
    const sub = onVictim.subscribe(ADDED, { id: roomId, after: start });

    const acknowledged: string[] = [];
    let next = 0;
    let killed = false;
    const worker = async () => {
      while (next < 500) {
        const i = next++;
        if (i === 150 && !killed) {
          killed = true;
          await victim.kill();
        }
        const url = i % 2 && !killed ? victim.url : survivor.url;
        try {
          const res = await graphql(url, SEND, { id: roomId, c: `m${i}` }, tokens.bob);
          const id = res.data?.["sendMessage"]?.id;
          if (id) acknowledged.push(id);
        } catch {
          // The request died with the instance: not acknowledged, so no promise was made.
        }
      }
    };
    await Promise.all(Array.from({ length: 20 }, worker));
    await onVictim.waitFor(() => onVictim.closed !== null);

    const stored: string[] = [];
    let after = start;
    for (;;) {
      const page = (await graphql(survivor.url, AFTER, { id: roomId, after }, tokens.teacher)).data?.["messages"].map((m: { id: string }) => m.id);
      if (!page.length) break;
      stored.push(...page);
      after = page.at(-1);
    }
    expect(acknowledged.length).toBeGreaterThan(300);
    for (const id of acknowledged) expect(stored).toContain(id);

    // The client of the dead instance reconnects to the survivor and resumes from what it saw.
    const seen = onVictim.results(sub).map((r) => r.data.messageAdded.id);
    const resumed = await TestSocket.connect(survivor.url, tokens.alice);
    const again = resumed.subscribe(ADDED, { id: roomId, after: seen.at(-1) ?? start });
    await resumed.waitFor(() => seen.length + resumed.results(again).length >= stored.length, 15_000);
    expect([...seen, ...resumed.results(again).map((r) => r.data.messageAdded.id)]).toEqual(stored);
    await resumed.close();
  }, 90_000);
});
