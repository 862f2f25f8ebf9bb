import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshPostgres, freshRedisPrefix, REDIS_URL, TEST_SECRET, type TestDatabase } from "./support/databases.js";
import { codes, graphql, TestSocket } from "./support/graphql.js";
import { type ServerProcess, startServerProcess } from "./support/server-process.js";
import { startTopology, type Topology, type TopologyKind } from "./support/topology.js";
import { seedWorld, type World } from "./support/world.js";

const ONLINE = `query($id: ID!) { course(id: $id) { online { id username } onlineCounts { online students staff } } }`;
const PRESENCE = `subscription($id: ID!) { presenceUpdates(courseId: $id) { courseId kind user { id username } counts { online students staff } } }`;
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

/** The error a subscription ended with, whichever frame carried it. */
function endedWith(socket: TestSocket, op: string): string | undefined {
  const frame = socket.frames.find((f) => f.id === op && (f.type === "error" || (f.type === "next" && f.payload.errors)));
  const errors = frame?.type === "error" ? frame.payload : frame?.payload.errors;
  return errors?.[0]?.extensions?.code;
}

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

  it("shows a typist to the others until the renewals stop or their message arrives, with renewals throttled across instances", async () => {
    const { tokens, roomId, userIds } = t.world;
    const bob = await TestSocket.connect(b, tokens.bob);
    const op = bob.subscribe(TYPING, { id: roomId });
    const alice = await TestSocket.connect(a, tokens.alice);
    const own = alice.subscribe(TYPING, { id: roomId });
    await Promise.all([bob.settle(), alice.settle()]);
    const updates = () => updatesOf(bob, op, "typingUpdates");

    const started = Date.now();
    expect((await graphql(a, TYPE, { id: roomId }, tokens.alice)).data?.["typing"]).toBe(true);
    await bob.waitFor(() => updates().length === 1);
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
      expect((await graphql(a, TYPE, { id: roomId }, tokens.teacher)).data?.["typing"]).toBe(true);
      await bob.waitFor(() => updatesOf(bob, op, "typingUpdates").length > 0);
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
