import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codes, graphql, TestSocket } from "./support/graphql.js";
import { startTopology, type Topology, type TopologyKind } from "./support/topology.js";

const SEND = `mutation Send($courseId: ID!, $content: String!) {
  sendMessage(courseId: $courseId, content: $content) { id courseId content sentOn user { id username } }
}`;
const HISTORY = `query History($courseId: ID!, $last: Int, $before: ID, $after: ID) {
  messages(courseId: $courseId, last: $last, before: $before, after: $after) { id content sentOn user { username } }
}`;
const ADDED = `subscription Added($courseId: ID!, $after: ID) {
  messageAdded(courseId: $courseId, after: $after) { id courseId content sentOn user { id username } }
}`;

const kinds: TopologyKind[] = ["sqlite, one instance", "postgresql + redis, two processes"];

describe.each(kinds)("the contract, %s", (kind) => {
  let t: Topology;
  let a: string;
  let b: string;
  const sockets: TestSocket[] = [];
  const connect = async (url: string, token?: string) => {
    const socket = await TestSocket.connect(url, token);
    sockets.push(socket);
    return socket;
  };
  const send = (url: string, token: string, content: string, courseId = t.world.roomId) =>
    graphql(url, SEND, { courseId, content }, token);

  beforeAll(async () => {
    t = await startTopology(kind, { SEND_RATE_LIMIT: "5/60s" });
    [a, b] = t.urls;
  });
  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close()));
    await t?.stop();
  });

  describe("anonymous and bad tokens", () => {
    it("lets anyone read the catalogue and one course, null for a missing one", async () => {
      const res = await graphql(a, `{ courses { id title slug owner { username } isMember } course(id: "999999") { id } }`);
      expect(res.errors).toBeUndefined();
      expect(res.data?.["courses"].map((c: { title: string }) => c.title)).toEqual(["Distributed Systems", "Compilers"]);
      expect(res.data?.["courses"][0]).toMatchObject({ slug: "distributed-systems", owner: { username: "teacher" }, isMember: false });
      expect(res.data?.["course"]).toBeNull();
    });

    it.each([
      ["me", `{ me { id } }`],
      ["myCourses", `{ myCourses { id } }`],
      ["messages", `{ messages(courseId: "1") { id } }`],
      ["sendMessage", `mutation { sendMessage(courseId: "1", content: "hi") { id } }`],
      ["enroll", `mutation { enroll(courseId: "1") { id } }`],
      ["createCourse", `mutation { createCourse(title: "x") { id } }`],
    ])("refuses %s without a token with UNAUTHENTICATED", async (_name, query) => {
      expect(codes(await graphql(a, query))).toEqual(["UNAUTHENTICATED"]);
    });

    it("answers any request with a bad token UNAUTHENTICATED, even the catalogue", async () => {
      const res = await graphql(a, `{ courses { id } }`, {}, "not-a-token");
      expect(res.status).toBe(401);
      expect(codes(res)).toEqual(["UNAUTHENTICATED"]);
    });

    it("closes a WebSocket without a valid token with 4401", async () => {
      for (const token of [undefined, "garbage"]) {
        const socket = await connect(a, token);
        await socket.waitFor(() => socket.closed !== null);
        expect(socket.closed?.code).toBe(4401);
      }
    });
  });

  describe("accounts", () => {
    it("registers a student, refuses a duplicate in another case, and logs in case-insensitively", async () => {
      const reg = await graphql(a, `mutation { register(username: "Zoe_1", password: "long enough") { token user { username role } } }`);
      expect(reg.data?.["register"].user).toEqual({ username: "Zoe_1", role: "Student" });
      const dup = await graphql(b, `mutation { register(username: "zoe_1", password: "long enough") { token } }`);
      expect(codes(dup)).toEqual(["BAD_USER_INPUT"]);
      const login = await graphql(b, `mutation { login(username: "ZOE_1", password: "long enough") { token user { username } } }`);
      expect(login.data?.["login"].user.username).toBe("Zoe_1");
      const me = await graphql(a, `{ me { username } }`, {}, login.data?.["login"].token);
      expect(me.data?.["me"]).toEqual({ username: "Zoe_1" });
    });

    it("refuses short passwords, bad usernames and wrong passwords with BAD_USER_INPUT", async () => {
      for (const [username, password] of [["shorty", "1234567"], ["no spaces", "long enough"], ["x", "long enough"]]) {
        const res = await graphql(a, `mutation($u: String!, $p: String!) { register(username: $u, password: $p) { token } }`, { u: username, p: password });
        expect(codes(res)).toEqual(["BAD_USER_INPUT"]);
      }
      const wrong = await graphql(a, `mutation { login(username: "alice", password: "wrong password") { token } }`);
      const unknown = await graphql(a, `mutation { login(username: "nobody-here", password: "wrong password") { token } }`);
      expect(codes(wrong)).toEqual(["BAD_USER_INPUT"]);
      expect(unknown.errors).toEqual(wrong.errors);
    });
  });

  describe("courses", () => {
    it("lets instructors create courses with unique slugs, and nobody else", async () => {
      const q = `mutation($t: String!) { createCourse(title: $t, overview: "About") { title slug owner { username } isMember } }`;
      const first = await graphql(a, q, { t: "Graph Theory!" }, t.world.tokens.teacher);
      const second = await graphql(b, q, { t: "graph theory" }, t.world.tokens.teacher);
      expect(first.data?.["createCourse"]).toEqual({ title: "Graph Theory!", slug: "graph-theory", owner: { username: "teacher" }, isMember: true });
      expect(second.data?.["createCourse"].slug).toBe("graph-theory-2");
      expect(codes(await graphql(a, q, { t: "Mine" }, t.world.tokens.alice))).toEqual(["FORBIDDEN"]);
      expect(codes(await graphql(a, q, { t: "   " }, t.world.tokens.teacher))).toEqual(["BAD_USER_INPUT"]);
      // Text the database could not keep as sent: a NUL, a lone surrogate.
      expect(codes(await graphql(a, q, { t: "Null\u0000Course" }, t.world.tokens.teacher))).toEqual(["BAD_USER_INPUT"]);
      expect(codes(await graphql(b, q, { t: "Half \ud800 pair" }, t.world.tokens.teacher))).toEqual(["BAD_USER_INPUT"]);
    });

    it("shows membership in the catalogue and in myCourses, and enrolling grants the room", async () => {
      const reg = await graphql(a, `mutation { register(username: "newbie", password: "long enough") { token } }`);
      const token = reg.data?.["register"].token as string;
      expect(codes(await graphql(a, HISTORY, { courseId: t.world.otherRoomId }, token))).toEqual(["FORBIDDEN"]);
      const enrolled = await graphql(b, `mutation($id: ID!) { enroll(courseId: $id) { id isMember } }`, { id: t.world.otherRoomId }, token);
      expect(enrolled.data?.["enroll"]).toEqual({ id: t.world.otherRoomId, isMember: true });
      const again = await graphql(a, `mutation($id: ID!) { enroll(courseId: $id) { id } }`, { id: t.world.otherRoomId }, token);
      expect(again.errors).toBeUndefined();
      const mine = await graphql(a, `{ myCourses { id } courses { id isMember } }`, {}, token);
      expect(mine.data?.["myCourses"]).toEqual([{ id: t.world.otherRoomId }]);
      expect(mine.data?.["courses"].filter((c: { isMember: boolean }) => c.isMember)).toEqual([{ id: t.world.otherRoomId, isMember: true }]);
      expect((await graphql(a, HISTORY, { courseId: t.world.otherRoomId }, token)).errors).toBeUndefined();
    });

    it("names each course's instructor in myCourses however the field is asked for", async () => {
      const direct = await graphql(a, `{ myCourses { id owner { username } } }`, {}, t.world.tokens.alice);
      const viaFragment = await graphql(b, `fragment O on Course { owner { username } } { myCourses { id ...O } }`, {}, t.world.tokens.alice);
      const inline = await graphql(a, `{ myCourses { id ... on Course { owner { username } } } }`, {}, t.world.tokens.alice);
      expect(direct.data?.["myCourses"]).toEqual([{ id: t.world.roomId, owner: { username: "teacher" } }]);
      expect(viaFragment.data).toEqual(direct.data);
      expect(inline.data).toEqual(direct.data);
    });
  });

  describe("rooms admit members only, and disclose nothing", () => {
    it("gives a non-member and a missing course byte-identical FORBIDDEN errors on every operation", async () => {
      const outsider = t.world.tokens.outsider;
      for (const query of [HISTORY, SEND]) {
        const notMember = await graphql(a, query, { courseId: t.world.roomId, content: "hi" }, outsider);
        const missing = await graphql(a, query, { courseId: "987654", content: "hi" }, outsider);
        const garbage = await graphql(a, query, { courseId: "not-an-id", content: "hi" }, outsider);
        expect(codes(notMember)).toEqual(["FORBIDDEN"]);
        expect(missing.raw).toBe(notMember.raw);
        expect(garbage.raw).toBe(notMember.raw);
      }
      const socket = await connect(a, outsider);
      const one = socket.subscribe(ADDED, { courseId: t.world.roomId });
      const two = socket.subscribe(ADDED, { courseId: "987654" });
      await socket.waitFor(() => socket.results(one).length > 0 && socket.results(two).length > 0);
      expect(socket.results(one)[0].errors[0].extensions.code).toBe("FORBIDDEN");
      expect(JSON.stringify(socket.results(two))).toBe(JSON.stringify(socket.results(one)));
    });

    it("admits enrolled students, the owner and staff", async () => {
      for (const who of ["alice", "teacher", "staff"] as const) {
        expect((await graphql(b, HISTORY, { courseId: t.world.roomId }, t.world.tokens[who])).errors).toBeUndefined();
      }
      const staffElsewhere = await graphql(a, HISTORY, { courseId: t.world.otherRoomId }, t.world.tokens.staff);
      expect(staffElsewhere.errors).toBeUndefined();
    });
  });

  describe("sending", () => {
    it("trims, stores exactly what was sent as plain text, and counts code points", async () => {
      const html = `  <img src=x onerror=alert(1)> & "quotes"  `;
      const sent = await send(a, t.world.tokens.staff, html);
      expect(sent.data?.["sendMessage"]).toMatchObject({ content: html.trim(), courseId: t.world.roomId, user: { username: "staffer" } });
      const emoji = "😀".repeat(4000); // 8000 UTF-16 units, 4000 code points: allowed
      expect((await send(a, t.world.tokens.staff, emoji)).data?.["sendMessage"].content).toBe(emoji);
      for (const bad of ["", "   \n\t ", `${emoji}!`, "x".repeat(4001)]) {
        expect(codes(await send(a, t.world.tokens.staff, bad))).toEqual(["BAD_USER_INPUT"]);
      }
    });

    it("rate-limits a flooding student with RATE_LIMITED and retryAfterSeconds, never staff", async () => {
      const reg = await graphql(a, `mutation { register(username: "flooder", password: "long enough") { token } }`);
      const token = reg.data?.["register"].token as string;
      await graphql(a, `mutation($id: ID!) { enroll(courseId: $id) { id } }`, { id: t.world.roomId }, token);
      const results = [];
      for (let i = 0; i < 7; i++) results.push(await send(i % 2 ? a : b, token, `flood ${i}`));
      expect(results.slice(0, 5).every((r) => r.errors === undefined)).toBe(true);
      const refused = results[5];
      expect(codes(refused!)).toEqual(["RATE_LIMITED"]);
      const retryAfter = refused!.errors?.[0]?.extensions?.["retryAfterSeconds"];
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
      for (let i = 0; i < 7; i++) expect((await send(a, t.world.tokens.staff, `staff ${i}`)).errors).toBeUndefined();
    });
  });

  describe("idempotent sends", () => {
    const SEND_ONCE = `mutation($courseId: ID!, $content: String!, $cid: String) {
      sendMessage(courseId: $courseId, content: $content, clientMessageId: $cid) { id content }
    }`;

    it("returns the original message for a retried clientMessageId, however many copies race", async () => {
      const room = t.world.roomId;
      const first = await graphql(a, SEND_ONCE, { courseId: room, content: "exactly once", cid: "retry-1" }, t.world.tokens.staff);
      const retry = await graphql(b, SEND_ONCE, { courseId: room, content: "exactly once", cid: "retry-1" }, t.world.tokens.staff);
      expect(retry.data?.["sendMessage"]).toEqual(first.data?.["sendMessage"]);
      const racing = await Promise.all(
        Array.from({ length: 10 }, (_, i) => graphql(i % 2 ? a : b, SEND_ONCE, { courseId: room, content: "raced", cid: "race-1" }, t.world.tokens.staff)),
      );
      expect(racing.flatMap((r) => r.errors ?? [])).toEqual([]);
      expect(new Set(racing.map((r) => r.data?.["sendMessage"].id)).size).toBe(1);
      const other = await graphql(a, SEND_ONCE, { courseId: room, content: "mine", cid: "retry-1" }, t.world.tokens.teacher);
      expect(other.data?.["sendMessage"].id).not.toBe(first.data?.["sendMessage"].id);
      const history = await graphql(a, HISTORY, { courseId: room, last: 100 }, t.world.tokens.staff);
      const contents = history.data?.["messages"].map((m: { content: string }) => m.content);
      expect(contents.filter((c: string) => c === "exactly once")).toHaveLength(1);
      expect(contents.filter((c: string) => c === "raced")).toHaveLength(1);
      for (const cid of ["", "x".repeat(65)]) {
        expect(codes(await graphql(a, SEND_ONCE, { courseId: room, content: "bad id", cid }, t.world.tokens.staff))).toEqual(["BAD_USER_INPUT"]);
      }
    });
  });

  describe("history", () => {
    it("pages with last, before and after, always oldest first, and checks its arguments", async () => {
      const room = t.world.otherRoomId;
      const ids: string[] = [];
      for (let i = 1; i <= 12; i++) ids.push((await send(i % 2 ? a : b, t.world.tokens.staff, `page ${i}`, room)).data?.["sendMessage"].id);
      const contents = (r: { data?: any }) => r.data?.["messages"].map((m: { content: string }) => m.content);
      const token = t.world.tokens.teacher;
      expect(contents(await graphql(a, HISTORY, { courseId: room }, token))).toEqual(["page 8", "page 9", "page 10", "page 11", "page 12"]);
      expect(contents(await graphql(a, HISTORY, { courseId: room, last: 3, before: ids[7] }, token))).toEqual(["page 5", "page 6", "page 7"]);
      expect(contents(await graphql(b, HISTORY, { courseId: room, last: 2, after: ids[2] }, token))).toEqual(["page 4", "page 5"]);
      expect(contents(await graphql(b, HISTORY, { courseId: room, last: 100, after: ids[11] }, token))).toEqual([]);
      for (const last of [0, 101, -1]) {
        expect(codes(await graphql(a, HISTORY, { courseId: room, last }, token))).toEqual(["BAD_USER_INPUT"]);
      }
      expect(codes(await graphql(a, HISTORY, { courseId: room, before: "abc" }, token))).toEqual(["BAD_USER_INPUT"]);
    });
  });

  describe("live delivery", () => {
    it("delivers a message sent on one instance to subscribers on both, with the stored id and sentOn", async () => {
      const onA = await connect(a, t.world.tokens.alice);
      const onB = await connect(b, t.world.tokens.teacher);
      const subA = onA.subscribe(ADDED, { courseId: t.world.roomId });
      const subB = onB.subscribe(ADDED, { courseId: t.world.roomId });
      // The subscription is live once a message sent afterwards arrives; probe until it does.
      await expectLive(onA, subA, onB, subB);
      const sent = (await send(b, t.world.tokens.bob, "hello across instances")).data?.["sendMessage"];
      await onA.waitFor(() => onA.results(subA).some((r) => r.data.messageAdded.id === sent.id));
      await onB.waitFor(() => onB.results(subB).some((r) => r.data.messageAdded.id === sent.id));
      const live = onA.results(subA).find((r) => r.data.messageAdded.id === sent.id).data.messageAdded;
      expect(live).toEqual(sent);
      const stored = (await graphql(a, HISTORY, { courseId: t.world.roomId, last: 1 }, t.world.tokens.alice)).data?.["messages"][0];
      expect(stored).toMatchObject({ id: sent.id, content: sent.content, sentOn: sent.sentOn });
    });

    it("resumes with after: stored messages first, then live ones, no gap and no duplicate", async () => {
      const first = (await send(a, t.world.tokens.staff, "before resume")).data?.["sendMessage"].id as string;
      const missed = [];
      for (let i = 0; i < 3; i++) missed.push((await send(b, t.world.tokens.staff, `missed ${i}`)).data?.["sendMessage"].id);
      const socket = await connect(a, t.world.tokens.alice);
      const sub = socket.subscribe(ADDED, { courseId: t.world.roomId, after: first });
      await socket.waitFor(() => socket.results(sub).length >= 3);
      const live = (await send(b, t.world.tokens.staff, "live after resume")).data?.["sendMessage"].id;
      await socket.waitFor(() => socket.results(sub).some((r) => r.data.messageAdded.id === live));
      expect(socket.results(sub).map((r) => r.data.messageAdded.id)).toEqual([...missed, live]);
    });

    it("gives 20 concurrent senders on each instance the same stored id list at every subscriber", async () => {
      const room = t.world.otherRoomId;
      const subscribers = await Promise.all([connect(a, t.world.tokens.teacher), connect(b, t.world.tokens.teacher), connect(b, t.world.tokens.staff)]);
      const subs = subscribers.map((s) => s.subscribe(ADDED, { courseId: room }));
      await Promise.all(subscribers.map((s, i) => expectLiveOne(s, subs[i]!, room, b)));
      const sends = [];
      for (let i = 0; i < 40; i++) sends.push(send(i % 2 ? a : b, t.world.tokens.staff, `burst ${i}`, room));
      const sent = await Promise.all(sends);
      expect(sent.every((r) => r.errors === undefined)).toBe(true);
      const stored = (await graphql(a, HISTORY, { courseId: room, last: 40 }, t.world.tokens.teacher)).data?.["messages"].map((m: { id: string }) => m.id);
      expect(new Set(stored).size).toBe(40);
      const burst = (s: TestSocket, id: string) =>
        s.results(id).map((r) => r.data.messageAdded).filter((m) => m.content.startsWith("burst ")).map((m) => m.id);
      for (const [i, s] of subscribers.entries()) {
        await s.waitFor(() => burst(s, subs[i]!).length >= 40);
        expect(burst(s, subs[i]!)).toEqual(stored);
      }
    });
  });

  /** Sends probes until each subscriber has seen one: then the subscription is certainly live. */
  async function expectLive(...pairs: (TestSocket | string)[]) {
    for (let i = 0; i < pairs.length; i += 2) await expectLiveOne(pairs[i] as TestSocket, pairs[i + 1] as string, t.world.roomId, a);
  }

  async function expectLiveOne(socket: TestSocket, id: string, room: string, via: string) {
    for (let attempt = 0; attempt < 50 && socket.results(id).length === 0; attempt++) {
      await send(via, t.world.tokens.staff, "probe", room);
      await socket.waitFor(() => socket.results(id).length > 0, 200).catch(() => undefined);
    }
    expect(socket.results(id).length).toBeGreaterThan(0);
  }
});
