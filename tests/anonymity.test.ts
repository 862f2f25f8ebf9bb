import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codes, graphql, TestSocket } from "./support/graphql.js";
import { startTopology, type Topology, type TopologyKind } from "./support/topology.js";

const AUTHOR = `id content anonymous user { id username role } replyTo { id user { id username } } mentions { id username }
  reactions { emoji users(first: 5) { id username } }`;
const ASK = `mutation($id: ID!, $c: String!, $a: Boolean, $p: Boolean) { sendMessage(courseId: $id, content: $c, kind: QUESTION, anonymous: $a, private: $p) { id } }`;
const REPLY = `mutation($id: ID!, $c: String!, $r: ID!, $a: Boolean) { sendMessage(courseId: $id, content: $c, replyToId: $r, anonymous: $a) { id } }`;
const REACT = `mutation($id: ID!, $e: String!) { addReaction(messageId: $id, emoji: $e) { id } }`;
const EVENTS = `subscription($id: ID!, $after: ID) { roomEvents(courseId: $id, after: $after) { cursor kind messageId message { ${AUTHOR} } } }`;
const ADDED = `subscription($id: ID!, $after: ID) { messageAdded(courseId: $id, after: $after) { ${AUTHOR} } }`;

/**
 * Anonymity to classmates and privacy to staff, tried through every path a student has: no
 * answer, live or replayed, may let them recover who wrote an anonymous message, or see a
 * private question at all. The instructor and staff see who wrote it; a reveal is recorded.
 */
describe.each<TopologyKind>(["sqlite, one instance", "postgresql + redis, two processes"])("anonymity and privacy (%s)", (kind) => {
  let t: Topology;
  let a: string;
  let b: string;
  let anchor: string;
  const ids: Record<string, string> = {};
  /** What must never reach a classmate about alice's anonymous messages. */
  let secrets: string[];
  const send = async (query: string, variables: Record<string, unknown>, token: string, url = a) => {
    const res = await graphql(url, query, variables, token);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!["sendMessage"].id as string;
  };
  /** Every message object in a response: those alice wrote anonymously must not name her. */
  const leaks = (raw: string) => secrets.filter((secret) => raw.includes(secret));

  beforeAll(async () => {
    t = await startTopology(kind, { SEND_RATE_LIMIT: "off" });
    [a, b] = t.urls;
    const { tokens, roomId, userIds } = t.world;
    // User objects are selected as { id username ... }: alice's id in one, or her name anywhere.
    secrets = [`{"id":"${userIds.alice}","username"`, `"username":"alice"`];
    anchor = await send(`mutation($id: ID!) { sendMessage(courseId: $id, content: "anchor") { id } }`, { id: roomId }, tokens.teacher);
    // alice asks anonymously, answers in her own thread anonymously, and reacts there.
    ids["question"] = await send(ASK, { id: roomId, c: "anonymous question about recursion?", a: true }, tokens.alice);
    ids["bobAnswer"] = await send(REPLY, { id: roomId, c: "bob answers the anonymous question", r: ids["question"] }, tokens.bob);
    ids["aliceAnswer"] = await send(REPLY, { id: roomId, c: "the asker answers herself", r: ids["question"], a: true }, tokens.alice);
    await send(REPLY, { id: roomId, c: "bob quotes the asker's answer", r: ids["aliceAnswer"] }, tokens.bob).then((id) => (ids["quote"] = id));
    await graphql(a, REACT, { id: ids["bobAnswer"], e: "👍" }, tokens.alice);
    // A second anonymous question: another pseudonym, not linkable to the first.
    ids["second"] = await send(ASK, { id: roomId, c: "second anonymous question on recursion?", a: true }, tokens.alice);
    // A private question and a staff answer mentioning bob, which bob must not learn of.
    ids["private"] = await send(ASK, { id: roomId, c: "private question about grading?", p: true }, tokens.alice);
    ids["privateAnswer"] = await send(REPLY, { id: roomId, c: "answer to the private one, @bob", r: ids["private"] }, tokens.teacher);
    // alice is known by name elsewhere: her plain messages must stay hers.
    ids["plain"] = await send(`mutation($id: ID!) { sendMessage(courseId: $id, content: "alice, signed" ) { id } }`, { id: roomId }, tokens.alice);
  }, 60_000);
  afterAll(async () => t?.stop());

  it("shows classmates a stable pseudonym per thread on queries, threads, searches, suggestions, quotes and reactions", async () => {
    const { tokens, roomId } = t.world;
    const history = await graphql(b, `query($id: ID!) { messages(courseId: $id, last: 20) { ${AUTHOR} } }`, { id: roomId }, tokens.bob);
    const byId = new Map((history.data?.["messages"] as any[]).map((m) => [m.id, m]));
    const pseudonym = byId.get(ids["question"])!.user;
    expect(pseudonym.id).toMatch(/^anon-/);
    expect(pseudonym.role).toBe("Student");
    expect(byId.get(ids["aliceAnswer"])!.user).toEqual(pseudonym);
    expect(byId.get(ids["quote"])!.replyTo.user).toEqual({ id: pseudonym.id, username: pseudonym.username });
    expect(byId.get(ids["second"])!.user.id).not.toBe(pseudonym.id);
    expect(byId.get(ids["plain"])!.user.username).toBe("alice");
    const reactors = byId.get(ids["bobAnswer"])!.reactions[0].users;
    expect(reactors).toEqual([{ id: pseudonym.id, username: pseudonym.username }]);
    for (const id of [ids["question"], ids["aliceAnswer"], ids["quote"], ids["second"], ids["bobAnswer"]]) {
      expect(leaks(JSON.stringify(byId.get(id!))), id).toEqual([]);
    }

    const other = [
      await graphql(a, `query($id: ID!) { thread(messageId: $id) { ${AUTHOR} } }`, { id: ids["question"] }, tokens.bob),
      await graphql(a, `query($id: ID!) { searchMessages(courseId: $id, query: "anonymous question") { ${AUTHOR} } }`, { id: roomId }, tokens.bob),
      await graphql(a, `query($id: ID!) { similarQuestions(courseId: $id, text: "question about recursion") { ${AUTHOR} } }`, { id: roomId }, tokens.bob),
      await graphql(a, `mutation($id: ID!) { addReaction(messageId: $id, emoji: "🎉") { ${AUTHOR} } }`, { id: ids["question"] }, tokens.bob),
    ];
    for (const res of other) {
      expect(res.errors).toBeUndefined();
      expect(leaks(res.raw)).toEqual([]);
    }
    expect(other[1]!.data?.["searchMessages"].length).toBeGreaterThan(0);
    expect(other[2]!.data?.["similarQuestions"].length).toBeGreaterThan(0);
  });

  it("keeps the pseudonym in every subscription, live and replayed", async () => {
    const { tokens, roomId } = t.world;
    const socket = await TestSocket.connect(b, tokens.bob);
    const replay = socket.subscribe(EVENTS, { id: roomId, after: anchor });
    const added = socket.subscribe(ADDED, { id: roomId, after: anchor });
    await socket.waitFor(() => socket.results(replay).some((r) => r.data?.roomEvents?.messageId === ids["plain"]));
    const live = await send(REPLY, { id: roomId, c: "live anonymous answer", r: ids["question"], a: true }, t.world.tokens.alice, a);
    await socket.waitFor(() => socket.results(replay).some((r) => r.data?.roomEvents?.messageId === live) && socket.results(added).some((r) => r.data?.messageAdded?.id === live));
    const frames = JSON.stringify(socket.frames.filter((f) => f.type === "next" && JSON.stringify(f).includes("anon-")));
    expect(frames.length).toBeGreaterThan(100);
    const aliceFrames = socket.frames.filter((f) => f.type === "next").map((f) => f.payload.data.roomEvents?.message ?? f.payload.data.messageAdded).filter((m) => m && m.id !== ids["plain"]);
    for (const message of aliceFrames) expect(leaks(JSON.stringify(message)), JSON.stringify(message)).toEqual([]);
    await socket.close();
  });

  it("hides a private question and its answers from classmates on every path, mentions included", async () => {
    const { tokens, roomId } = t.world;
    const bobSees = [
      (await graphql(a, `query($id: ID!) { messages(courseId: $id, last: 50) { id mentions { username } } }`, { id: roomId }, tokens.bob)).raw,
      (await graphql(a, `query($id: ID!) { searchMessages(courseId: $id, query: "private") { id } }`, { id: roomId }, tokens.bob)).raw,
      (await graphql(a, `query($id: ID!) { similarQuestions(courseId: $id, text: "private question about grading") { id } }`, { id: roomId }, tokens.bob)).raw,
    ];
    for (const raw of bobSees) {
      expect(raw).not.toContain(`"${ids["private"]}"`);
      expect(raw).not.toContain(`"${ids["privateAnswer"]}"`);
    }
    const hidden = await graphql(a, `query($id: ID!) { thread(messageId: $id) { id } }`, { id: ids["private"] }, tokens.bob);
    const missing = await graphql(a, `query($id: ID!) { thread(messageId: $id) { id } }`, { id: "987654" }, tokens.bob);
    expect(codes(hidden)).toEqual(["FORBIDDEN"]);
    expect(hidden.raw).toBe(missing.raw);
    expect(codes(await graphql(a, REACT, { id: ids["private"], e: "👍" }, tokens.bob))).toEqual(["FORBIDDEN"]);
    expect(codes(await graphql(a, REPLY, { id: roomId, c: "let me in", r: ids["private"] }, tokens.bob))).toEqual(["BAD_USER_INPUT"]);
    // The staff answer mentioned bob, who cannot see it: it mentions nobody he could hear from.
    const staffView = await graphql(a, `query($id: ID!) { thread(messageId: $id) { id mentions { username } } }`, { id: ids["private"] }, tokens.teacher);
    expect(staffView.data?.["thread"]).toEqual([{ id: ids["privateAnswer"], mentions: [] }]);
    // Replayed and live, it is not there for bob; it is for alice and staff.
    const socket = await TestSocket.connect(b, tokens.bob);
    const op = socket.subscribe(EVENTS, { id: roomId, after: anchor });
    await socket.waitFor(() => socket.results(op).some((r) => r.data?.roomEvents?.messageId === ids["plain"]));
    const late = await send(REPLY, { id: roomId, c: "another private answer", r: ids["private"] }, tokens.staff, a);
    const marker = await send(`mutation($id: ID!) { sendMessage(courseId: $id, content: "after the private answer") { id } }`, { id: roomId }, tokens.teacher, a);
    await socket.waitFor(() => socket.results(op).some((r) => r.data?.roomEvents?.messageId === marker));
    const seen = socket.results(op).map((r) => r.data.roomEvents.messageId);
    for (const id of [ids["private"], ids["privateAnswer"], late]) expect(seen).not.toContain(id);
    await socket.close();
    const aliceView = await graphql(b, `query($id: ID!) { thread(messageId: $id) { id } }`, { id: ids["private"] }, tokens.alice);
    expect(aliceView.data?.["thread"].map((m: { id: string }) => m.id)).toEqual([ids["privateAnswer"], late]);
  });

  it("lets the instructor and staff see who it is, refuses classmates every moderator path, and records a reveal", async () => {
    const { tokens, roomId, userIds } = t.world;
    const staffView = await graphql(a, `query($id: ID!) { messages(courseId: $id, last: 30) { id anonymous user { username } } }`, { id: roomId }, tokens.teacher);
    expect(staffView.data?.["messages"].find((m: { id: string }) => m.id === ids["question"])).toEqual({ id: ids["question"], anonymous: true, user: { username: "alice" } });
    for (const query of [
      `query { adminMessages { nodes { id user { username } } } }`,
      `query { openQuestions { id user { username } } }`,
    ]) {
      const res = await graphql(a, query, {}, tokens.bob);
      expect(codes(res), query).toEqual(["FORBIDDEN"]);
      expect(leaks(res.raw)).toEqual([]);
    }
    // Errors a classmate can provoke name nobody.
    for (const [query, variables] of [
      [`mutation($id: ID!) { editMessage(messageId: $id, content: "mine now") { id } }`, { id: ids["question"] }],
      [`mutation($id: ID!) { deleteMessage(messageId: $id) { id } }`, { id: ids["question"] }],
      [`mutation($id: ID!) { acceptAnswer(messageId: $id) { id } }`, { id: ids["bobAnswer"] }],
      [`mutation($id: ID!) { revealAuthor(messageId: $id) { id } }`, { id: ids["question"] }],
    ] as const) {
      const res = await graphql(a, query, variables, tokens.bob);
      expect(codes(res), query).toEqual(["FORBIDDEN"]);
      expect(leaks(res.raw)).toEqual([]);
    }
    const revealed = await graphql(b, `mutation($id: ID!) { revealAuthor(messageId: $id) { id anonymous user { username } } }`, { id: ids["second"] }, tokens.staff);
    expect(revealed.data?.["revealAuthor"]).toEqual({ id: ids["second"], anonymous: false, user: { username: "alice" } });
    const now = await graphql(a, `query($id: ID!) { messages(courseId: $id, last: 30) { id user { username } } }`, { id: roomId }, tokens.bob);
    expect(now.data?.["messages"].find((m: { id: string }) => m.id === ids["second"]).user.username).toBe("alice");
    // The record: who revealed it, and when, for the moderators' admin.
    const admin = await graphql(a, `query($c: ID!) { adminMessages(filter: { courseId: $c }, first: 100) { nodes { id anonymous reveals { revealedBy { username } revealedAt } } } }`, { c: roomId }, tokens.teacher);
    const nodes = admin.data?.["adminMessages"].nodes as { id: string; anonymous: boolean; reveals: { revealedBy: { username: string } }[] }[];
    expect(nodes.find((n) => n.id === ids["second"])).toMatchObject({ anonymous: false, reveals: [{ revealedBy: { username: "staffer" } }] });
    expect(nodes.find((n) => n.id === ids["question"])).toMatchObject({ anonymous: true, reveals: [] });
    void userIds;
  });

  it("writes no log line at info level that ties an anonymous message to its author", () => {
    // In-process apps log nowhere here; two processes hand their lines to the test.
    for (const lines of t.logs) {
      for (const line of lines) {
        expect(line).not.toContain("anonymous question about recursion");
        const aboutHer = [ids["question"], ids["aliceAnswer"]].some((id) => line.includes(`"messageId":${id}`) || line.includes(`"messageId":"${id}"`));
        expect(line.includes(`"userId":${t.world.userIds.alice}`) && aboutHer).toBe(false);
      }
    }
  });
});
