import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshPostgres, freshRedisPrefix, REDIS_URL, TEST_SECRET, type TestDatabase } from "./support/databases.js";
import { codes, graphql, TestSocket } from "./support/graphql.js";
import { type ServerProcess, startServerProcess } from "./support/server-process.js";
import { startTopology, type Topology, type TopologyKind } from "./support/topology.js";
import { seedWorld, type World } from "./support/world.js";

const ONLINE = `query($id: ID!) { course(id: $id) { online { id username } onlineCounts { online students staff } } }`;
const PRESENCE = `subscription($id: ID!) { presenceUpdates(courseId: $id) { courseId kind user { id username } counts { online students staff } } }`;
const PRESENCE_WITH_CURRENT = `subscription($id: ID!) { presenceUpdates(courseId: $id, withCurrent: true) { courseId kind user { id username } online { id username } counts { online students staff } } }`;
const PRESENCE_BATCHED = `subscription($id: ID!) { presenceUpdates(courseId: $id, withCurrent: true, batched: true) { kind user { username } online { username } joined { username } left { username } counts { online students staff } } }`;
const REMOVE = `mutation($u: ID!, $c: ID!) { removeStudent(userId: $u, courseId: $c) { id } }`;
const READMIT = `mutation($u: ID!, $c: ID!) { readmitStudent(userId: $u, courseId: $c) { id } }`;
const TYPING = `subscription($id: ID!) { typingUpdates(courseId: $id) { courseId user { id username } typing } }`;
const ROOM = `subscription($id: ID!) { roomEvents(courseId: $id) { kind messageId } }`;
const TYPE = `mutation($id: ID!) { typing(courseId: $id) }`;
const SEND = `mutation($id: ID!, $c: String!) { sendMessage(courseId: $id, content: $c) { id } }`;

/** A device with the room open: one room stream on its socket. */
async function openRoom(url: string, token: string, room: string) {
  const socket = await TestSocket.connect(url, token);
  socket.subscribe(ROOM, { id: room });
  await socket.settle();
  return socket;
}

/** A subscriber's updates of one operation. */
function updatesOf(socket: TestSocket, op: string, field: string): any[] {
  return socket.results(op).flatMap((r) => (r.data?.[field] ? [r.data[field]] : []));
}

/**
 * `token` types in the room until `socket` shows them typing, and answers when the call that got
 * through was made. settle() proves the server read the subscribe, not that its pub/sub
 * subscription is up, and typing is never replayed: a first notice may beat it, so this types
 * again once the renewal throttle allows.
 */
async function typeUntilShown(url: string, token: string, room: string, socket: TestSocket, op: string, username: string): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const at = Date.now();
    expect((await graphql(url, TYPE, { id: room }, token)).data?.["typing"]).toBe(true);
    try {
      // Until the renewal throttle lets the next call through.
      await socket.waitFor(() => updatesOf(socket, op, "typingUpdates").some((u) => u.user.username === username && u.typing), 3100 - (Date.now() - at));
      return at;
    } catch (err) {
      if (attempt === 3) throw err;
    }
  }
}

/** The error a subscription ended with, whichever frame carried it. */
function endedWith(socket: TestSocket, op: string): string | undefined {
  const frame = socket.frames.find((f) => f.id === op && (f.type === "error" || (f.type === "next" && f.payload.errors)));
  const errors = frame?.type === "error" ? frame.payload : frame?.payload.errors;
  return errors?.[0]?.extensions?.code;
}

/** A non-member subscribing with `query`: FORBIDDEN, and not one update before it. */
async function expectOutsiderRefused(url: string, token: string, query: string, roomId: string): Promise<void> {
  const outsider = await TestSocket.connect(url, token);
  const refused = outsider.subscribe(query, { id: roomId });
  await outsider.waitFor(() => endedWith(outsider, refused) !== undefined);
  expect(endedWith(outsider, refused)).toBe("FORBIDDEN");
  expect(updatesOf(outsider, refused, "presenceUpdates")).toEqual([]);
  await outsider.close();
}

/** Who a client following presenceUpdates(withCurrent: true) shows, by name: the opening list, then each join and leave. */
function shownBy(updates: any[]): string[] | null {
  if (updates[0]?.kind !== "CURRENT") return null;
  const shown = new Set<string>(updates[0].online.map((u: { username: string }) => u.username));
  for (const u of updates.slice(1)) {
    if (u.kind === "JOINED") shown.add(u.user.username);
    else if (u.kind === "LEFT") shown.delete(u.user.username);
    else if (u.kind === "CHANGED") {
      for (const j of u.joined) shown.add(j.username);
      for (const l of u.left) shown.delete(l.username);
    }
  }
  return [...shown].sort();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each<TopologyKind>(["sqlite, one instance", "postgresql + redis, two processes"])("presence and typing (%s)", (kind) => {
  let t: Topology;
  let a: string;
  let b: string;
  const online = async (url: string, token: string) => (await graphql(url, ONLINE, { id: t.world.roomId }, token)).data?.["course"];

  beforeAll(async () => {
    t = await startTopology(kind, { SEND_RATE_LIMIT: "off", PRESENCE_TTL: "3s" });
    [a, b] = t.urls;
  });
  afterAll(async () => t?.stop());

  it("shows who is in the room once however many devices, with students and staff counted, and joins and leaves live", async () => {
    const { tokens, roomId, userIds } = t.world;
    const watcher = await TestSocket.connect(b, tokens.bob);
    const op = watcher.subscribe(PRESENCE, { id: roomId });
    await watcher.settle();
    const updates = () => updatesOf(watcher, op, "presenceUpdates");
    const phone = await openRoom(a, tokens.alice, roomId);
    const laptop = await openRoom(b, tokens.alice, roomId);
    await watcher.waitFor(() => updates().some((u) => u.kind === "JOINED" && u.user.username === "alice"));
    expect(updates().filter((u) => u.user.username === "alice")).toEqual([
      { courseId: roomId, kind: "JOINED", user: { id: userIds.alice, username: "alice" }, counts: { online: 1, students: 1, staff: 0 } },
    ]);
    const teacher = await openRoom(b, tokens.teacher, roomId);
    await watcher.waitFor(() => updates().some((u) => u.kind === "JOINED" && u.user.username === "teacher"));
    expect(updates().at(-1).counts).toEqual({ online: 2, students: 1, staff: 1 });
    for (const url of [a, b]) {
      expect(await online(url, tokens.bob)).toEqual({ online: [{ id: userIds.alice, username: "alice" }, { id: userIds.teacher, username: "teacher" }], onlineCounts: { online: 2, students: 1, staff: 1 } });
    }
    // One device closes: still there. The other: gone.
    await phone.close();
    await laptop.settle();
    await new Promise((r) => setTimeout(r, 300));
    expect(updates().some((u) => u.kind === "LEFT")).toBe(false);
    expect((await online(a, tokens.bob)).onlineCounts.online).toBe(2);
    await laptop.close();
    await watcher.waitFor(() => updates().some((u) => u.kind === "LEFT" && u.user.username === "alice"));
    expect(updates().at(-1).counts).toEqual({ online: 1, students: 0, staff: 1 });
    expect((await online(a, tokens.bob)).online).toEqual([{ id: userIds.teacher, username: "teacher" }]);
    await teacher.close();
    await watcher.waitFor(() => updates().some((u) => u.kind === "LEFT" && u.user.username === "teacher"));
    await watcher.close();
  });

  it("keeps presence to members: null for others, FORBIDDEN to subscribe, and a removed member's stream ends", async () => {
    const { tokens, roomId, userIds } = t.world;
    expect(await online(a, tokens.outsider)).toEqual({ online: null, onlineCounts: null });
    const outsider = await TestSocket.connect(a, tokens.outsider);
    const refused = outsider.subscribe(PRESENCE, { id: roomId });
    const refusedTyping = outsider.subscribe(TYPING, { id: roomId });
    await outsider.waitFor(() => endedWith(outsider, refused) !== undefined && endedWith(outsider, refusedTyping) !== undefined);
    expect([endedWith(outsider, refused), endedWith(outsider, refusedTyping)]).toEqual(["FORBIDDEN", "FORBIDDEN"]);
    expect(codes(await graphql(a, TYPE, { id: roomId }, tokens.outsider))).toEqual(["FORBIDDEN"]);
    await outsider.close();

    const bob = await TestSocket.connect(b, tokens.bob);
    const presence = bob.subscribe(PRESENCE, { id: roomId });
    const typing = bob.subscribe(TYPING, { id: roomId });
    await bob.settle();
    await graphql(a, `mutation($u: ID!, $c: ID!) { removeStudent(userId: $u, courseId: $c) { id } }`, { u: userIds.bob, c: roomId }, tokens.teacher);
    await bob.waitFor(() => endedWith(bob, presence) !== undefined && endedWith(bob, typing) !== undefined);
    expect([endedWith(bob, presence), endedWith(bob, typing)]).toEqual(["FORBIDDEN", "FORBIDDEN"]);
    await bob.close();
    await graphql(a, `mutation($u: ID!, $c: ID!) { readmitStudent(userId: $u, courseId: $c) { id } }`, { u: userIds.bob, c: roomId }, tokens.teacher);
  });

  describe("presenceUpdates(withCurrent: true)", () => {
    const who = async (url: string) => ((await online(url, t.world.tokens.teacher))?.online ?? []).map((u: { username: string }) => u.username);
    const untilShown = (url: string, names: string[]) => expect.poll(() => who(url), { timeout: 8000 }).toEqual(names);

    it("opens with who is in the room now, a member on the other instance included, then joins and leaves live", async () => {
      const { tokens, roomId, userIds } = t.world;
      await untilShown(a, []);
      const alice = await openRoom(a, tokens.alice, roomId);
      const teacher = await openRoom(b, tokens.teacher, roomId);
      await untilShown(b, ["alice", "teacher"]);

      const watcher = await TestSocket.connect(b, tokens.bob);
      const op = watcher.subscribe(PRESENCE_WITH_CURRENT, { id: roomId });
      const updates = () => updatesOf(watcher, op, "presenceUpdates");
      await watcher.waitFor(() => updates().length > 0);
      const alicesName = { id: userIds.alice, username: "alice" };
      expect(updates()[0]).toEqual({
        courseId: roomId,
        kind: "CURRENT",
        user: { id: userIds.bob, username: "bob" },
        online: [alicesName, { id: userIds.teacher, username: "teacher" }],
        counts: { online: 2, students: 1, staff: 1 },
      });

      await alice.close();
      await watcher.waitFor(() => updates().some((u) => u.kind === "LEFT"));
      expect(updates().at(-1)).toEqual({ courseId: roomId, kind: "LEFT", user: alicesName, online: null, counts: { online: 1, students: 0, staff: 1 } });
      expect(shownBy(updates())).toEqual(["teacher"]);
      await Promise.all([teacher.close(), watcher.close()]);
      await untilShown(a, []);
    });

    it("never misses a join made as the subscription opens, through either instance", async () => {
      const { tokens, roomId } = t.world;
      // A join sent from a little before the subscription to a little after it: its store write
      // and its announcement land before, while and after the server reads the list.
      for (const [i, offset] of [-40, -30, -25, -20, -16, -12, -10, -8, -6, -4, -2, 0, 2, 5, 10, 20].entries()) {
        await untilShown(a, []);
        const joiner = await TestSocket.connect(i % 2 === 0 ? a : b, tokens.alice);
        const watcher = await TestSocket.connect(b, tokens.bob);
        const join = () => joiner.subscribe(ROOM, { id: roomId });
        if (offset < 0) {
          join();
          await sleep(-offset);
        }
        const op = watcher.subscribe(PRESENCE_WITH_CURRENT, { id: roomId });
        if (offset >= 0) {
          await sleep(offset);
          join();
        }
        const shown = () => shownBy(updatesOf(watcher, op, "presenceUpdates"));
        await untilShown(b, ["alice"]);
        await watcher.waitFor(() => shown() !== null);
        await watcher.settle();
        await sleep(200);
        expect(shown(), `join ${offset} ms from subscribing`).toEqual(["alice"]);
        await joiner.close();
        await watcher.waitFor(() => shown()?.length === 0, 5000);
        await watcher.close();
      }
    });

    it("ends without a member who leaves as the subscription opens", async () => {
      const { tokens, roomId } = t.world;
      for (const delay of [0, 0, 1, 2, 3, 5, 8, 12, 20, 30]) {
        await untilShown(a, []);
        const alice = await TestSocket.connect(a, tokens.alice);
        const room = alice.subscribe(ROOM, { id: roomId });
        await untilShown(b, ["alice"]);
        const watcher = await TestSocket.connect(b, tokens.bob);
        const op = watcher.subscribe(PRESENCE_WITH_CURRENT, { id: roomId });
        if (delay > 0) await sleep(delay);
        alice.complete(room);
        await watcher.waitFor(() => updatesOf(watcher, op, "presenceUpdates").length > 0);
        await untilShown(b, []);
        await watcher.settle();
        await sleep(300);
        expect(shownBy(updatesOf(watcher, op, "presenceUpdates")), `leave ${delay} ms after subscribing`).toEqual([]);
        await Promise.all([alice.close(), watcher.close()]);
      }
    });

    it("gives no list to a non-member or a removed member: FORBIDDEN, as without it", async () => {
      const { tokens, roomId, userIds } = t.world;
      const alice = await openRoom(a, tokens.alice, roomId);
      await untilShown(b, ["alice"]);
      await expectOutsiderRefused(b, tokens.outsider, PRESENCE_WITH_CURRENT, roomId);

      // Removed after their socket opened: checked against the present, not the socket's start.
      const bob = await TestSocket.connect(b, tokens.bob);
      expect((await graphql(a, REMOVE, { u: userIds.bob, c: roomId }, tokens.teacher)).errors).toBeUndefined();
      try {
        const op = bob.subscribe(PRESENCE_WITH_CURRENT, { id: roomId });
        await bob.waitFor(() => endedWith(bob, op) !== undefined);
        expect(endedWith(bob, op)).toBe("FORBIDDEN");
        expect(updatesOf(bob, op, "presenceUpdates")).toEqual([]);
      } finally {
        await graphql(a, READMIT, { u: userIds.bob, c: roomId }, tokens.teacher);
      }
      // Readmitted: the list again; removed while subscribed: the stream ends as before.
      const op = bob.subscribe(PRESENCE_WITH_CURRENT, { id: roomId });
      await bob.waitFor(() => updatesOf(bob, op, "presenceUpdates").length > 0);
      expect(shownBy(updatesOf(bob, op, "presenceUpdates"))).toEqual(["alice"]);
      await graphql(a, REMOVE, { u: userIds.bob, c: roomId }, tokens.teacher);
      try {
        await bob.waitFor(() => endedWith(bob, op) !== undefined);
        expect(endedWith(bob, op)).toBe("FORBIDDEN");
      } finally {
        await graphql(a, READMIT, { u: userIds.bob, c: roomId }, tokens.teacher);
      }
      await Promise.all([alice.close(), bob.close()]);
      await untilShown(a, []);
    });

    it("changes nothing for a subscription without it: no opening event, joins and leaves only", async () => {
      const { tokens, roomId } = t.world;
      const alice = await openRoom(a, tokens.alice, roomId);
      await untilShown(b, ["alice"]);
      const watcher = await TestSocket.connect(b, tokens.bob);
      const op = watcher.subscribe(`subscription($id: ID!) { presenceUpdates(courseId: $id) { kind user { username } online { username } counts { online } } }`, { id: roomId });
      await watcher.settle();
      await sleep(300);
      expect(updatesOf(watcher, op, "presenceUpdates")).toEqual([]);
      const teacher = await openRoom(a, tokens.teacher, roomId);
      await watcher.waitFor(() => updatesOf(watcher, op, "presenceUpdates").length > 0);
      expect(updatesOf(watcher, op, "presenceUpdates")).toEqual([{ kind: "JOINED", user: { username: "teacher" }, online: null, counts: { online: 2 } }]);
      await Promise.all([alice.close(), teacher.close(), watcher.close()]);
      await untilShown(a, []);
    });
  });

  describe("presenceUpdates(batched: true)", () => {
    const who = async (url: string) => ((await online(url, t.world.tokens.teacher))?.online ?? []).map((u: { username: string }) => u.username);
    const untilShown = (url: string, names: string[]) => expect.poll(() => who(url), { timeout: 8000 }).toEqual(names);

    it("gathers joins and leaves into at most one CHANGED update a second, each member where they ended up", async () => {
      const { tokens, roomId } = t.world;
      await untilShown(a, []);
      const watcher = await TestSocket.connect(b, tokens.bob);
      const op = watcher.subscribe(PRESENCE_BATCHED, { id: roomId });
      const updates = () => updatesOf(watcher, op, "presenceUpdates");
      await watcher.waitFor(() => updates().length > 0);
      expect(updates()[0]).toMatchObject({ kind: "CURRENT", online: [], joined: null, left: null });

      // A first change after a quiet spell comes at once, on its own.
      const alice = await TestSocket.connect(a, tokens.alice);
      const aliceRoom = alice.subscribe(ROOM, { id: roomId });
      await watcher.waitFor(() => updates().length > 1);
      expect(updates()[1]).toEqual({ kind: "CHANGED", user: { username: "alice" }, online: null, joined: [{ username: "alice" }], left: [], counts: { online: 1, students: 1, staff: 0 } });

      // Then a burst on both instances, alice leaving and coming back among it: gathered.
      const teacher = await openRoom(a, tokens.teacher, roomId);
      const staff = await openRoom(b, tokens.staff, roomId);
      alice.complete(aliceRoom);
      await sleep(50);
      alice.subscribe(ROOM, { id: roomId });
      await untilShown(b, ["alice", "staffer", "teacher"]);
      await watcher.waitFor(() => updates().at(-1)?.counts.online === 3 && shownBy(updates())?.length === 3, 5000);
      const burst = updates().slice(2);
      // Five changes, gathered into one update (two if the burst straddled a second).
      expect(burst.length).toBeLessThanOrEqual(2);
      expect(burst.every((u) => u.kind === "CHANGED")).toBe(true);
      expect(shownBy(updates())).toEqual(["alice", "staffer", "teacher"]);
      expect(burst.at(-1).counts).toEqual({ online: 3, students: 1, staff: 2 });

      // Everyone leaves at once: one more update, or two, listing them gone.
      await Promise.all([alice.close(), teacher.close(), staff.close()]);
      await untilShown(b, []);
      await watcher.waitFor(() => updates().at(-1)?.counts.online === 0, 5000);
      expect(shownBy(updates())).toEqual([]);
      expect(updates().slice(2 + burst.length).length).toBeLessThanOrEqual(2);
      expect(updates().some((u) => u.kind === "JOINED" || u.kind === "LEFT")).toBe(false);
      await watcher.close();
    });

    it("keeps the same rules: FORBIDDEN to a non-member, and the stream ends for a removed member", async () => {
      const { tokens, roomId, userIds } = t.world;
      await expectOutsiderRefused(b, tokens.outsider, PRESENCE_BATCHED, roomId);

      const bob = await TestSocket.connect(a, tokens.bob);
      const op = bob.subscribe(PRESENCE_BATCHED, { id: roomId });
      await bob.waitFor(() => updatesOf(bob, op, "presenceUpdates").length > 0);
      await graphql(b, REMOVE, { u: userIds.bob, c: roomId }, tokens.teacher);
      try {
        await bob.waitFor(() => endedWith(bob, op) !== undefined);
        expect(endedWith(bob, op)).toBe("FORBIDDEN");
        // Nothing after the end: a join now is not theirs to see.
        const count = updatesOf(bob, op, "presenceUpdates").length;
        const alice = await openRoom(b, tokens.alice, roomId);
        await untilShown(a, ["alice"]);
        await sleep(1200);
        expect(updatesOf(bob, op, "presenceUpdates").length).toBe(count);
        await alice.close();
      } finally {
        await graphql(a, READMIT, { u: userIds.bob, c: roomId }, tokens.teacher);
      }
      await bob.close();
      await untilShown(a, []);
    });
  });

  it("shows a typist to the others until the renewals stop or their message arrives, with renewals throttled across instances", async () => {
    const { tokens, roomId, userIds } = t.world;
    const bob = await TestSocket.connect(b, tokens.bob);
    const op = bob.subscribe(TYPING, { id: roomId });
    const alice = await TestSocket.connect(a, tokens.alice);
    const own = alice.subscribe(TYPING, { id: roomId });
    await Promise.all([bob.settle(), alice.settle()]);
    const updates = () => updatesOf(bob, op, "typingUpdates");

    const started = await typeUntilShown(a, tokens.alice, roomId, bob, op, "alice");
    expect(updates().length).toBe(1);
    expect(updates()[0]).toEqual({ courseId: roomId, user: { id: userIds.alice, username: "alice" }, typing: true });
    // A renewal 1.5 s later, through the other instance, is absorbed by the throttle: the typist still expires 6 s after the first.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await graphql(b, TYPE, { id: roomId }, tokens.alice)).data?.["typing"]).toBe(true);
    await bob.waitFor(() => updates().length === 2, 10_000);
    const expiredAfter = Date.now() - started;
    expect(updates()[1]).toMatchObject({ user: { username: "alice" }, typing: false });
    expect(expiredAfter).toBeGreaterThanOrEqual(5500);
    expect(expiredAfter).toBeLessThan(7300);
    // Never one's own.
    expect(updatesOf(alice, own, "typingUpdates")).toEqual([]);

    // Typing, then the message: the notice goes at once.
    await new Promise((r) => setTimeout(r, 3100)); // past the throttle window
    expect((await graphql(b, TYPE, { id: roomId }, tokens.alice)).data?.["typing"]).toBe(true);
    await bob.waitFor(() => updates().length === 3);
    const sent = Date.now();
    await graphql(a, SEND, { id: roomId, c: "done typing" }, tokens.alice);
    await bob.waitFor(() => updates().length === 4);
    expect(updates()[3]).toMatchObject({ typing: false });
    expect(Date.now() - sent).toBeLessThan(2000);
    await Promise.all([bob.close(), alice.close()]);
  });

  it("tells nobody of a student typing in an announcement-only room, and still of its instructor", async () => {
    const { tokens, roomId } = t.world;
    const settings = `mutation($id: ID!, $on: Boolean) { updateRoomSettings(courseId: $id, announcementOnly: $on) { announcementOnly } }`;
    expect((await graphql(a, settings, { id: roomId, on: true }, tokens.teacher)).errors).toBeUndefined();
    try {
      const bob = await TestSocket.connect(b, tokens.bob);
      const op = bob.subscribe(TYPING, { id: roomId });
      await bob.settle();
      expect((await graphql(a, TYPE, { id: roomId }, tokens.alice)).data?.["typing"]).toBe(false);
      await typeUntilShown(a, tokens.teacher, roomId, bob, op, "teacher");
      expect(updatesOf(bob, op, "typingUpdates").map((u) => u.user.username)).toEqual(["teacher"]);
      await bob.close();
    } finally {
      await graphql(a, settings, { id: roomId, on: false }, tokens.teacher);
    }
  });
});

describe("typing in a room above TYPING_MAX_ROOM_SIZE", () => {
  let t: Topology;
  beforeAll(async () => {
    t = await startTopology("sqlite, one instance", { TYPING_MAX_ROOM_SIZE: "2" });
  });
  afterAll(async () => t?.stop());

  it("is off: nobody is told", async () => {
    const { tokens, roomId } = t.world;
    const bob = await TestSocket.connect(t.urls[0], tokens.bob);
    const op = bob.subscribe(TYPING, { id: roomId });
    await bob.settle();
    // alice, bob and their instructor: three members.
    expect((await graphql(t.urls[0], TYPE, { id: roomId }, tokens.alice)).data?.["typing"]).toBe(false);
    // The smaller room (its instructor alone) still has typing.
    expect((await graphql(t.urls[0], TYPE, { id: t.world.otherRoomId }, tokens.teacher)).data?.["typing"]).toBe(true);
    await bob.settle();
    await new Promise((r) => setTimeout(r, 200));
    expect(updatesOf(bob, op, "typingUpdates")).toEqual([]);
    await bob.close();
  });
});

describe("presence when an instance dies (postgresql + redis, two processes)", () => {
  let db: TestDatabase;
  let world: World;
  let servers: ServerProcess[];

  beforeAll(async () => {
    db = await freshPostgres();
    world = await seedWorld(db.url);
    const env = { DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: freshRedisPrefix(), SECRET_KEY: TEST_SECRET, MIGRATE_ON_START: "false", SEED_DEMO: "false", PRESENCE_TTL: "3s" };
    servers = await Promise.all([startServerProcess(env), startServerProcess(env)]);
  });
  afterAll(async () => {
    await Promise.all((servers ?? []).map((s) => s.stop()));
    await db?.drop();
  });

  it("drops the members it served within PRESENCE_TTL, announced by the instance left", async () => {
    const [survivor, doomed] = servers as [ServerProcess, ServerProcess];
    const { tokens, roomId, userIds } = world;
    const watcher = await TestSocket.connect(survivor.url, tokens.teacher);
    const op = watcher.subscribe(PRESENCE, { id: roomId });
    await watcher.settle();
    const alice = await openRoom(doomed.url, tokens.alice, roomId);
    const bob = await openRoom(survivor.url, tokens.bob, roomId);
    await watcher.waitFor(() => updatesOf(watcher, op, "presenceUpdates").filter((u) => u.kind === "JOINED").length === 2);
    const members = async () => (await graphql(survivor.url, ONLINE, { id: roomId }, tokens.teacher)).data?.["course"].online.map((u: { id: string }) => u.id);
    expect(await members()).toEqual([userIds.alice, userIds.bob]);

    const killed = Date.now();
    await doomed.kill();
    await watcher.waitFor(() => updatesOf(watcher, op, "presenceUpdates").some((u) => u.kind === "LEFT" && u.user.id === userIds.alice), 10_000);
    // Within the TTL and one renewal period, not the instant the socket dropped: nobody told the store.
    expect(Date.now() - killed).toBeLessThan(3000 + 1000 + 1500);
    expect(updatesOf(watcher, op, "presenceUpdates").at(-1).counts).toEqual({ online: 1, students: 1, staff: 0 });
    expect(await members()).toEqual([userIds.bob]);
    await Promise.all([alice.close().catch(() => undefined), bob.close(), watcher.close()]);
  });
});
