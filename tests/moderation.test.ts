import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codes, graphql, TestSocket } from "./support/graphql.js";
import { storeMessagesPg } from "./support/stored-messages.js";
import { startTopology, type Topology } from "./support/topology.js";
import { PASSWORD } from "./support/world.js";

const SEND = `mutation($id: ID!, $c: String!) { sendMessage(courseId: $id, content: $c) { id } }`;
const HISTORY = `query($id: ID!, $after: ID) { messages(courseId: $id, last: 100, after: $after) { id content } }`;
const ADDED = `subscription($id: ID!, $after: ID) { messageAdded(courseId: $id, after: $after) { id content } }`;
const EVENTS = `subscription($id: ID!, $after: ID) { roomEvents(courseId: $id, after: $after) { kind messageId message { id content } } }`;
const ADMIN = `query($filter: MessageFilter, $first: Int, $after: ID) {
  adminMessages(filter: $filter, first: $first, after: $after) {
    totalCount endCursor hasNextPage
    nodes { id content sentOn course { id title } user { username } deletedAt deletedBy { username } }
  }
}`;
const DELETE = `mutation($id: ID!) { deleteMessage(messageId: $id) { id deletedAt deletedBy { username } } }`;

/** Moderation on two instances sharing PostgreSQL and Redis: every rule, for every role. */
describe("moderation", () => {
  let t: Topology;
  let a: string;
  let b: string;
  let tokens: Topology["world"]["tokens"] & { teacher2: string };
  let room: string;
  let otherRoom: string;
  let foreignRoom: string;
  const sockets: TestSocket[] = [];
  const connect = async (url: string, token: string) => {
    const s = await TestSocket.connect(url, token);
    sockets.push(s);
    return s;
  };
  const send = async (url: string, token: string, content: string, courseId = room) => {
    const res = await graphql(url, SEND, { id: courseId, c: content }, token);
    return res.data?.["sendMessage"]?.id as string | undefined;
  };
  const sql = async (text: string, params: unknown[] = []) => {
    const client = new pg.Client({ connectionString: t.databaseUrl });
    await client.connect();
    try {
      return (await client.query(text, params)).rows;
    } finally {
      await client.end();
    }
  };

  /** Probes until the subscription delivers, so it is certainly live. */
  async function live(socket: TestSocket, id: string, courseId: string, pick = (r: any) => r.data?.messageAdded ?? r.data?.roomEvents) {
    for (let i = 0; i < 50 && !socket.results(id).some((r) => pick(r)); i++) {
      await send(b, tokens.staff, "probe", courseId);
      await socket.waitFor(() => socket.results(id).some((r) => pick(r)), 200).catch(() => undefined);
    }
    expect(socket.results(id).some((r) => pick(r))).toBe(true);
  }

  beforeAll(async () => {
    t = await startTopology("postgresql + redis, two processes", { SEND_RATE_LIMIT: "off" });
    [a, b] = t.urls;
    room = t.world.roomId;
    otherRoom = t.world.otherRoomId;
    // A second instructor, made one by staff, with a course of their own.
    await graphql(a, `mutation { register(username: "teacher2", password: "${PASSWORD}") { token } }`);
    const promoted = await graphql(b, `mutation { setRole(username: "teacher2", role: Instructor) { role } }`, {}, t.world.tokens.staff);
    expect(promoted.data?.["setRole"]).toEqual({ role: "Instructor" });
    const login = await graphql(a, `mutation { login(username: "teacher2", password: "${PASSWORD}") { token } }`);
    tokens = { ...t.world.tokens, teacher2: login.data?.["login"].token };
    const created = await graphql(a, `mutation { createCourse(title: "Databases") { id } }`, {}, tokens.teacher2);
    foreignRoom = created.data?.["createCourse"].id;
  });
  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close()));
    await t?.stop();
  });

  describe("roles", () => {
    it("lets only staff change roles", async () => {
      const q = `mutation { setRole(username: "bob", role: Staff) { role } }`;
      expect(codes(await graphql(a, q, {}, tokens.alice))).toEqual(["FORBIDDEN"]);
      expect(codes(await graphql(a, q, {}, tokens.teacher))).toEqual(["FORBIDDEN"]);
      expect(codes(await graphql(a, q))).toEqual(["UNAUTHENTICATED"]);
    });

    it("holds a role change at once where it was made and within 2 s on the other instance, both ways", async () => {
      const setRole = (role: string) => graphql(b, `mutation { setRole(username: "bob", role: ${role}) { role } }`, {}, tokens.staff);
      const admin = async (url: string) => codes(await graphql(url, ADMIN, {}, tokens.bob));
      /** How long instance `url` takes to answer bob as `expected` (FORBIDDEN or allowed). */
      const reached = async (url: string, expected: string[]) => {
        const started = Date.now();
        while (JSON.stringify(await admin(url)) !== JSON.stringify(expected) && Date.now() - started < 5000) await new Promise((r) => setTimeout(r, 50));
        return { ms: Date.now() - started, now: await admin(url) };
      };
      // Instance a has just seen bob as a student (and may keep that snapshot for a while).
      expect(await admin(a)).toEqual(["FORBIDDEN"]);
      expect((await setRole("Staff")).data?.["setRole"]).toEqual({ role: "Staff" });
      expect(await admin(b)).toEqual([]);
      const promoted = await reached(a, []);
      expect(promoted.now).toEqual([]);
      expect(promoted.ms).toBeLessThanOrEqual(2000);
      expect((await setRole("Student")).data?.["setRole"]).toEqual({ role: "Student" });
      expect(await admin(b)).toEqual(["FORBIDDEN"]);
      const demoted = await reached(a, ["FORBIDDEN"]);
      expect(demoted.now).toEqual(["FORBIDDEN"]);
      expect(demoted.ms).toBeLessThanOrEqual(2000);
    });
  });

  describe("the message admin", () => {
    beforeAll(async () => {
      // A few hundred messages over two courses, four authors and ten days.
      const users = await sql(`select id, username from users where username in ('alice', 'bob', 'teacher', 'staffer')`);
      const id = (name: string) => users.find((u) => u.username === name).id;
      const authors = [id("alice"), id("bob"), id("teacher"), id("staffer")];
      const rows = Array.from({ length: 300 }, (_, i) => ({
        courseId: i % 3 === 0 ? otherRoom : room,
        userId: authors[i % 4],
        content: i % 25 === 0 ? `Quantum homework question ${i}` : `ordinary chat ${i}`,
        sentOn: new Date(Date.UTC(2026, 0, 1 + (i % 10), 12)),
      }));
      await storeMessagesPg(t.databaseUrl, rows);
      await send(a, tokens.teacher2, "in the other instructor's course", foreignRoom);
    });

    it("is refused to students and anonymous callers", async () => {
      expect(codes(await graphql(a, ADMIN, {}, tokens.alice))).toEqual(["FORBIDDEN"]);
      expect(codes(await graphql(a, ADMIN))).toEqual(["UNAUTHENTICATED"]);
      const ws = await connect(a, tokens.alice);
      const op = ws.subscribe(ADMIN, {});
      await ws.waitFor(() => ws.results(op).length > 0);
      expect(ws.results(op)[0].errors[0].extensions.code).toBe("FORBIDDEN");
    });

    it("shows instructors their own courses only, staff every course", async () => {
      const mine = await graphql(a, ADMIN, { first: 200 }, tokens.teacher2);
      expect(mine.data?.["adminMessages"].nodes.map((n: any) => n.course.title)).toEqual(["Databases"]);
      expect(codes(await graphql(a, ADMIN, { filter: { courseId: room } }, tokens.teacher2))).toEqual(["FORBIDDEN"]);
      const teacher = await graphql(b, ADMIN, { first: 1 }, tokens.teacher);
      const staff = await graphql(b, ADMIN, { first: 1 }, tokens.staff);
      expect(staff.data?.["adminMessages"].totalCount).toBe(teacher.data?.["adminMessages"].totalCount + 1);
    });

    it("filters by course, author, date and words, newest first, and pages with a total", async () => {
      const filter = { courseId: room, sentFrom: "2026-01-05T00:00:00Z", sentTo: "2026-01-07T00:00:00Z", search: "quantum" };
      const res = await graphql(a, ADMIN, { filter, first: 100 }, tokens.staff);
      const nodes = res.data?.["adminMessages"]?.nodes;
      expect(res.errors).toBeUndefined();
      expect(nodes.length).toBeGreaterThan(0);
      for (const n of nodes) {
        expect(n.content).toMatch(/^Quantum/);
        expect(n.course.title).toBe("Distributed Systems");
        expect(n.sentOn >= "2026-01-05" && n.sentOn < "2026-01-07").toBe(true);
      }
      const expected = Array.from({ length: 300 }, (_, i) => i).filter((i) => i % 25 === 0 && i % 3 !== 0 && i % 10 >= 4 && i % 10 < 6);
      expect(res.data?.["adminMessages"].totalCount).toBe(expected.length);
      const byBob = await graphql(a, ADMIN, { filter: { userId: t.world.userIds.bob, search: "ordinary" }, first: 5 }, tokens.staff);
      expect(byBob.data?.["adminMessages"].nodes.every((n: any) => n.user.username === "bob")).toBe(true);
      // Walk every page of one course: each message once, newest first.
      const seen: string[] = [];
      let after: string | null = null;
      let total = 0;
      do {
        const page: any = (await graphql(b, ADMIN, { filter: { courseId: otherRoom }, first: 40, after }, tokens.teacher)).data?.["adminMessages"];
        total = page.totalCount;
        seen.push(...page.nodes.map((n: any) => n.id));
        after = page.hasNextPage ? page.endCursor : null;
      } while (after);
      expect(seen).toHaveLength(total);
      expect([...seen].sort((x, y) => Number(y) - Number(x))).toEqual(seen);
      expect(new Set(seen).size).toBe(total);
    });
  });

  describe("deleting a message", () => {
    it("is allowed to staff, the instructor and the author within 15 minutes, and nobody else", async () => {
      const byBob = (await send(a, tokens.bob, "bob's message"))!;
      expect(codes(await graphql(a, DELETE, { id: byBob }, tokens.alice))).toEqual(["FORBIDDEN"]);
      expect(codes(await graphql(a, DELETE, { id: byBob }, tokens.teacher2))).toEqual(["FORBIDDEN"]);
      expect(codes(await graphql(a, DELETE, { id: byBob }, tokens.outsider))).toEqual(["FORBIDDEN"]);
      expect(codes(await graphql(a, DELETE, { id: "99999999" }, tokens.alice))).toEqual(["FORBIDDEN"]);
      const ws = await connect(b, tokens.alice);
      const op = ws.subscribe(DELETE, { id: byBob });
      await ws.waitFor(() => ws.results(op).length > 0);
      expect(ws.results(op)[0].errors[0].extensions.code).toBe("FORBIDDEN");
      expect((await graphql(b, DELETE, { id: byBob }, tokens.bob)).data?.["deleteMessage"].deletedBy).toEqual({ username: "bob" });

      const old = (await send(a, tokens.bob, "an old message"))!;
      await sql(`update messages set sent_on = now() - interval '16 minutes' where id = $1`, [old]);
      expect(codes(await graphql(a, DELETE, { id: old }, tokens.bob))).toEqual(["FORBIDDEN"]);
      expect((await graphql(a, DELETE, { id: old }, tokens.teacher)).data?.["deleteMessage"].deletedBy).toEqual({ username: "teacher" });
      const third = (await send(a, tokens.alice, "a third"))!;
      expect((await graphql(a, DELETE, { id: third }, tokens.staff)).data?.["deleteMessage"].deletedBy).toEqual({ username: "staffer" });
    });

    it("drops it from every open room on every instance, from history and from resumes; the admin still shows it", async () => {
      const before = (await send(a, tokens.staff, "anchor"))!;
      const onA = await connect(a, tokens.alice);
      const onB = await connect(b, tokens.teacher);
      const eventsA = onA.subscribe(EVENTS, { id: room });
      const eventsB = onB.subscribe(EVENTS, { id: room });
      await live(onA, eventsA, room);
      await live(onB, eventsB, room);
      const doomed = (await send(b, tokens.bob, "something regrettable"))!;
      const deleted = (ws: TestSocket, id: string) =>
        ws.results(id).some((r) => r.data?.roomEvents?.kind === "MessageDeleted" && r.data.roomEvents.messageId === doomed);
      await onA.waitFor(() => onA.results(eventsA).some((r) => r.data?.roomEvents?.messageId === doomed));
      const started = Date.now();
      await graphql(b, DELETE, { id: doomed }, tokens.teacher);
      await onA.waitFor(() => deleted(onA, eventsA), 1000);
      await onB.waitFor(() => deleted(onB, eventsB), 1000);
      expect(Date.now() - started).toBeLessThan(1000);

      const history = (await graphql(a, HISTORY, { id: room, after: before }, tokens.alice)).data?.["messages"];
      expect(history.map((m: any) => m.id)).not.toContain(doomed);
      const resumed = await connect(b, tokens.alice);
      const replay = resumed.subscribe(ADDED, { id: room, after: before });
      const next = (await send(a, tokens.staff, "after the deletion"))!;
      await resumed.waitFor(() => resumed.results(replay).some((r) => r.data.messageAdded.id === next));
      expect(resumed.results(replay).map((r) => r.data.messageAdded.id)).not.toContain(doomed);
      const admin = await graphql(a, ADMIN, { filter: { courseId: room, search: "regrettable" } }, tokens.staff);
      expect(admin.data?.["adminMessages"].nodes[0]).toMatchObject({ id: doomed, deletedBy: { username: "teacher" } });
      expect(admin.data?.["adminMessages"].nodes[0].deletedAt).toBeTruthy();
      const hidden = await graphql(a, ADMIN, { filter: { courseId: room, search: "regrettable", includeDeleted: false } }, tokens.staff);
      expect(hidden.data?.["adminMessages"].totalCount).toBe(0);
    });
  });

  describe("losing the room", () => {
    it("ends a removed student's subscriptions on another instance within 2 seconds, and nothing later reaches them", async () => {
      const reg = await graphql(a, `mutation { register(username: "removable", password: "${PASSWORD}") { token user { id } } }`);
      const token = reg.data?.["register"].token as string;
      const userId = reg.data?.["register"].user.id as string;
      await graphql(a, `mutation($id: ID!) { enroll(courseId: $id) { id } }`, { id: room }, token);
      const ws = await connect(a, token);
      const added = ws.subscribe(ADDED, { id: room });
      const events = ws.subscribe(EVENTS, { id: room });
      await live(ws, added, room);
      await live(ws, events, room);
      const remove = `mutation($c: ID!, $u: ID!) { removeStudent(courseId: $c, userId: $u) { id } }`;
      expect(codes(await graphql(b, remove, { c: room, u: userId }, tokens.alice))).toEqual(["FORBIDDEN"]);
      expect(codes(await graphql(b, remove, { c: room, u: userId }, tokens.teacher2))).toEqual(["FORBIDDEN"]);
      const started = Date.now();
      expect((await graphql(b, remove, { c: room, u: userId }, tokens.teacher)).errors).toBeUndefined();
      const after = (await send(b, tokens.staff, "said after the removal"))!;
      const ended = (id: string) => ws.frames.some((f) => f.id === id && (f.type === "error" || (f.type === "next" && f.payload.errors)));
      await ws.waitFor(() => ended(added) && ended(events), 2000);
      expect(Date.now() - started).toBeLessThan(2000);
      const errorOf = (id: string) => ws.frames.find((f) => f.id === id && f.type === "error")?.payload[0]?.extensions?.code;
      expect(errorOf(added)).toBe("FORBIDDEN");
      expect(errorOf(events)).toBe("FORBIDDEN");
      expect(ws.results(added).map((r) => r.data?.messageAdded?.id)).not.toContain(after);
      expect(codes(await graphql(a, HISTORY, { id: room }, token))).toEqual(["FORBIDDEN"]);
      expect(codes(await graphql(a, SEND, { id: room, c: "let me in" }, token))).toEqual(["FORBIDDEN"]);
      const again = ws.subscribe(ADDED, { id: room });
      await ws.waitFor(() => ws.results(again).length > 0);
      expect(ws.results(again)[0].errors[0].extensions.code).toBe("FORBIDDEN");
    });

    it("lets a student leave (their room closes at once) but not the instructor", async () => {
      const reg = await graphql(a, `mutation { register(username: "leaver", password: "${PASSWORD}") { token } }`);
      const token = reg.data?.["register"].token as string;
      await graphql(a, `mutation($id: ID!) { enroll(courseId: $id) { id } }`, { id: room }, token);
      const ws = await connect(b, token);
      const added = ws.subscribe(ADDED, { id: room });
      await live(ws, added, room);
      expect((await graphql(a, `mutation($id: ID!) { leaveCourse(courseId: $id) { id isMember } }`, { id: room }, token)).data?.["leaveCourse"]).toEqual({ id: room, isMember: false });
      await ws.waitFor(() => ws.frames.some((f) => f.id === added && f.type === "error"), 2000);
      const owner = await graphql(a, `mutation($id: ID!) { leaveCourse(courseId: $id) { id } }`, { id: room }, tokens.teacher);
      expect(codes(owner)).toEqual(["BAD_USER_INPUT"]);
    });
  });

  describe("room modes", () => {
    const SETTINGS = `mutation($id: ID!, $a: Boolean, $s: Int) { updateRoomSettings(courseId: $id, announcementOnly: $a, slowModeSeconds: $s) { announcementOnly slowModeSeconds } }`;

    it("lets only staff and the instructor set them", async () => {
      expect(codes(await graphql(a, SETTINGS, { id: otherRoom, a: true }, tokens.alice))).toEqual(["FORBIDDEN"]);
      expect(codes(await graphql(a, SETTINGS, { id: otherRoom, a: true }, tokens.teacher2))).toEqual(["FORBIDDEN"]);
      expect(codes(await graphql(a, SETTINGS, { id: otherRoom, s: 99999 }, tokens.teacher))).toEqual(["BAD_USER_INPUT"]);
    });

    it("announcement-only: students read live but cannot post; staff and the instructor can", async () => {
      await graphql(a, `mutation($id: ID!) { enroll(courseId: $id) { id } }`, { id: otherRoom }, tokens.alice);
      expect((await graphql(a, SETTINGS, { id: otherRoom, a: true }, tokens.teacher)).data?.["updateRoomSettings"]).toEqual({ announcementOnly: true, slowModeSeconds: 0 });
      const ws = await connect(b, tokens.alice);
      const sub = ws.subscribe(ADDED, { id: otherRoom });
      await live(ws, sub, otherRoom);
      expect(codes(await graphql(a, SEND, { id: otherRoom, c: "may I?" }, tokens.alice))).toEqual(["FORBIDDEN"]);
      const announcement = (await send(a, tokens.teacher, "Exam on Friday", otherRoom))!;
      await ws.waitFor(() => ws.results(sub).some((r) => r.data.messageAdded.id === announcement));
      await graphql(a, SETTINGS, { id: otherRoom, a: false }, tokens.staff);
      expect(await send(a, tokens.alice, "thanks!", otherRoom)).toBeTruthy();
    });

    it("slow mode: one message per N seconds per student, answered RATE_LIMITED with the wait; staff and the instructor exempt", async () => {
      await graphql(b, SETTINGS, { id: otherRoom, s: 30 }, tokens.staff);
      expect(await send(a, tokens.alice, "first", otherRoom)).toBeTruthy();
      const second = await graphql(b, SEND, { id: otherRoom, c: "second" }, tokens.alice);
      expect(codes(second)).toEqual(["RATE_LIMITED"]);
      const wait = second.errors?.[0]?.extensions?.["retryAfterSeconds"] as number;
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(30);
      for (let i = 0; i < 3; i++) expect(await send(a, tokens.teacher, `teacher ${i}`, otherRoom)).toBeTruthy();
      await graphql(b, SETTINGS, { id: otherRoom, s: 0 }, tokens.teacher);
      expect(await send(a, tokens.alice, "slow mode is off", otherRoom)).toBeTruthy();
    });
  });
});
