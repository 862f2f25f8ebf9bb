import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scrapeMetrics } from "./support/databases.js";
import { codes, graphql, TestSocket } from "./support/graphql.js";
import { startTopology, type Topology, type TopologyKind } from "./support/topology.js";

const STATE = `query($id: ID!) { course(id: $id) { id lastReadMessageId firstUnreadMessageId unreadCount mentionCount unreadBadge
  lastMessage { id content anonymous user { id username } } } }`;
const SEND = `mutation($id: ID!, $c: String!) { sendMessage(courseId: $id, content: $c) { id } }`;
const ASK = `mutation($id: ID!, $c: String!, $a: Boolean, $p: Boolean) { sendMessage(courseId: $id, content: $c, kind: QUESTION, anonymous: $a, private: $p) { id } }`;
const MARK_READ = `mutation($c: ID!, $m: ID!) { markRead(courseId: $c, messageId: $m) { id lastReadMessageId unreadCount } }`;
const MARK_UNREAD = `mutation($c: ID!, $m: ID!) { markUnread(courseId: $c, messageId: $m) { id lastReadMessageId firstUnreadMessageId unreadCount } }`;
const ME = `{ me { username totalUnreadCount totalMentionCount } }`;
const HOME = `subscription($after: ID) { myRoomsUpdated(after: $after) { cursor courseId kind lastReadMessageId firstUnreadMessageId unreadCount mentionCount unreadBadge
  lastActivityAt lastMessage { id content anonymous user { id username } } } }`;

/** A device showing the home screen: its stream of room updates. */
async function homeScreen(url: string, token: string, after?: string) {
  const socket = await TestSocket.connect(url, token);
  const op = socket.subscribe(HOME, after === undefined ? {} : { after });
  const updates = () => socket.results(op).flatMap((r) => (r.data?.myRoomsUpdated ? [r.data.myRoomsUpdated] : []));
  const until = async (predicate: (u: any) => boolean) => {
    await socket.waitFor(() => updates().some(predicate));
    return updates().filter(predicate).at(-1);
  };
  return { socket, op, updates, until };
}

/** What a course list shows a user: the state of one room. */
type RoomState = { lastReadMessageId: string | null; firstUnreadMessageId: string | null; unreadCount: number | null; mentionCount: number | null; unreadBadge: string | null; lastMessage: any };

describe.each<TopologyKind>(["sqlite, one instance", "postgresql + redis, two processes"])("read state (%s)", (kind) => {
  let t: Topology;
  let a: string;
  let b: string;
  const ok = async (url: string, query: string, variables: Record<string, unknown>, token: string) => {
    const res = await graphql(url, query, variables, token);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!;
  };
  const send = async (token: string, content: string, room = t.world.roomId) => (await ok(a, SEND, { id: room, c: content }, token))["sendMessage"].id as string;
  const state = async (url: string, token: string, room = t.world.roomId) => (await ok(url, STATE, { id: room }, token))["course"] as RoomState;
  /** Everything so far read, through markRead, and seen as such on the other instance. */
  const readAll = async (token: string) => {
    const latest = (await ok(a, `query($id: ID!) { messages(courseId: $id, last: 1) { id } }`, { id: t.world.roomId }, token))["messages"][0]?.id as string | undefined;
    if (latest === undefined) return null;
    await ok(a, MARK_READ, { c: t.world.roomId, m: latest }, token);
    await expect.poll(async () => (await state(b, token)).lastReadMessageId, { timeout: 3000 }).toBe(latest);
    return latest;
  };

  beforeAll(async () => {
    t = await startTopology(kind, { SEND_RATE_LIMIT: "off" });
    [a, b] = t.urls;
  });
  afterAll(async () => t?.stop());

  it("counts what others sent after the marker, never one's own; a member joins with the history read", async () => {
    const { tokens, roomId } = t.world;
    // Enrolled before any message: nothing unread, nothing read.
    expect(await state(a, tokens.alice)).toMatchObject({ unreadCount: 0, mentionCount: 0, firstUnreadMessageId: null, unreadBadge: "0" });
    const first = await send(tokens.bob, "hello");
    await send(tokens.bob, "@alice are you there?");
    await send(tokens.alice, "my own message");
    const seen = await state(b, tokens.alice);
    expect(seen).toMatchObject({ unreadCount: 2, mentionCount: 1, firstUnreadMessageId: first });
    expect(seen.lastMessage).toMatchObject({ content: "my own message", user: { username: "alice" } });
    expect((await state(a, tokens.bob)).unreadCount).toBe(1);
    // Not a member: no state at all.
    expect(await state(a, tokens.outsider)).toMatchObject({ unreadCount: null, mentionCount: null, lastReadMessageId: null, unreadBadge: null, lastMessage: null });
    // The outsider joins now: the room's past is not unread for them.
    await ok(a, `mutation($id: ID!) { enroll(courseId: $id) { id } }`, { id: roomId }, tokens.outsider);
    expect(await state(b, tokens.outsider)).toMatchObject({ unreadCount: 0, firstUnreadMessageId: null });
    await send(tokens.bob, "welcome outsider");
    expect((await state(b, tokens.outsider)).unreadCount).toBe(1);
    await ok(a, `mutation($id: ID!) { leaveCourse(courseId: $id) { id } }`, { id: roomId }, tokens.outsider);
  });

  it("moves the marker forward only, across devices and instances, and markUnread sets it back", async () => {
    const { tokens, roomId } = t.world;
    await readAll(tokens.alice);
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await send(tokens.bob, `m${i}`));
    // Device one reads up to m3 on instance a; device two, late, reports m1 on instance b.
    expect((await ok(a, MARK_READ, { c: roomId, m: ids[3] }, tokens.alice))["markRead"]).toMatchObject({ lastReadMessageId: ids[3], unreadCount: 1 });
    await ok(b, MARK_READ, { c: roomId, m: ids[1] }, tokens.alice);
    await expect.poll(async () => (await state(b, tokens.alice)).lastReadMessageId, { timeout: 3000 }).toBe(ids[3]);
    await new Promise((r) => setTimeout(r, 600)); // both gathered writes are done
    expect(await state(a, tokens.alice)).toMatchObject({ lastReadMessageId: ids[3], unreadCount: 1, firstUnreadMessageId: ids[4] });
    expect(await state(b, tokens.alice)).toMatchObject({ lastReadMessageId: ids[3], unreadCount: 1, firstUnreadMessageId: ids[4] });
    // Mark as unread from m1 on: m1..m4 are unread again, on every instance.
    expect((await ok(b, MARK_UNREAD, { c: roomId, m: ids[1] }, tokens.alice))["markUnread"]).toMatchObject({ lastReadMessageId: ids[0], firstUnreadMessageId: ids[1], unreadCount: 4 });
    expect(await state(a, tokens.alice)).toMatchObject({ lastReadMessageId: ids[0], unreadCount: 4 });
    // Bob's own messages never count for him.
    await ok(a, MARK_UNREAD, { c: roomId, m: ids[0] }, tokens.bob);
    expect((await state(a, tokens.bob)).unreadCount).toBe(0);
  });

  it("writes a reader scrolling through many messages a few times, not once per message", async () => {
    const { tokens, roomId } = t.world;
    await readAll(tokens.bob);
    const ids = [];
    for (let i = 0; i < 60; i++) ids.push(await send(tokens.alice, `scroll ${i}`));
    const writes = async () => Number(/^educa_chat_read_marker_writes_total (\d+)/m.exec(await scrapeMetrics(a))?.[1] ?? 0);
    const before = await writes();
    // As a client does while the list scrolls: one markRead per message coming into view.
    await Promise.all(ids.map((id, i) => new Promise((r) => setTimeout(r, i * 5)).then(() => ok(a, MARK_READ, { c: roomId, m: id }, tokens.bob))));
    await expect.poll(async () => (await state(b, tokens.bob)).lastReadMessageId, { timeout: 3000 }).toBe(ids[59]);
    expect(await writes()).toBeGreaterThan(before);
    expect((await writes()) - before).toBeLessThanOrEqual(5);
    expect((await state(b, tokens.bob)).unreadCount).toBe(0);
  });

  it("refuses what is not a message of the room the user may read, with the room guard for non-members", async () => {
    const { tokens, roomId, otherRoomId } = t.world;
    const elsewhere = await send(tokens.teacher, "in the other room", otherRoomId);
    expect(codes(await graphql(a, MARK_READ, { c: roomId, m: elsewhere }, tokens.alice))).toEqual(["BAD_USER_INPUT"]);
    expect(codes(await graphql(a, MARK_READ, { c: roomId, m: "nope" }, tokens.alice))).toEqual(["BAD_USER_INPUT"]);
    expect(codes(await graphql(a, MARK_READ, { c: otherRoomId, m: elsewhere }, tokens.alice))).toEqual(["FORBIDDEN"]);
    expect(codes(await graphql(a, MARK_READ, { c: "999999", m: elsewhere }, tokens.alice))).toEqual(["FORBIDDEN"]);
    const secret = (await ok(a, ASK, { id: roomId, c: "private to bob", a: false, p: true }, tokens.bob))["sendMessage"].id;
    expect(codes(await graphql(a, MARK_READ, { c: roomId, m: secret }, tokens.alice))).toEqual(["BAD_USER_INPUT"]);
    expect(codes(await graphql(a, MARK_READ, { c: roomId, m: secret }))).toEqual(["UNAUTHENTICATED"]);
  });

  it("stops counting deleted messages, and counts a mention an edit adds", async () => {
    const { tokens } = t.world;
    await readAll(tokens.alice);
    const gone = await send(tokens.bob, "@alice soon deleted");
    const edited = await send(tokens.bob, "plain at first");
    expect(await state(a, tokens.alice)).toMatchObject({ unreadCount: 2, mentionCount: 1, firstUnreadMessageId: gone });
    await ok(b, `mutation($id: ID!) { deleteMessage(messageId: $id) { id } }`, { id: gone }, tokens.bob);
    expect(await state(a, tokens.alice)).toMatchObject({ unreadCount: 1, mentionCount: 0, firstUnreadMessageId: edited });
    await ok(b, `mutation($id: ID!, $c: String!) { editMessage(messageId: $id, content: $c) { id } }`, { id: edited, c: "now for @alice" }, tokens.bob);
    expect(await state(a, tokens.alice)).toMatchObject({ unreadCount: 1, mentionCount: 1 });
  });

  it("keeps private questions out of classmates' counts, previews and dividers, and anonymous authors out of previews", async () => {
    const { tokens, roomId, userIds } = t.world;
    await readAll(tokens.alice);
    await readAll(tokens.teacher);
    await readAll(tokens.bob);
    const secret = (await ok(a, ASK, { id: roomId, c: "@alice a private question", a: false, p: true }, tokens.bob))["sendMessage"].id;
    // Alice sees nothing new; the instructor and staff do.
    const alice = await state(b, tokens.alice);
    expect(alice).toMatchObject({ unreadCount: 0, mentionCount: 0, firstUnreadMessageId: null });
    expect(alice.lastMessage.id).not.toBe(secret);
    expect(alice.lastMessage.content).not.toContain("private question");
    expect(await state(b, tokens.teacher)).toMatchObject({ unreadCount: 1, firstUnreadMessageId: secret });
    expect((await state(b, tokens.teacher)).lastMessage.id).toBe(secret);
    expect((await state(b, tokens.bob)).lastMessage.id).toBe(secret);
    // A staff answer in the private thread stays private too.
    await ok(a, `mutation($id: ID!, $c: String!, $r: ID!) { sendMessage(courseId: $id, content: $c, replyToId: $r) { id } }`, { id: roomId, c: "answer", r: secret }, tokens.teacher);
    expect((await state(b, tokens.alice)).unreadCount).toBe(0);
    expect((await state(b, tokens.bob)).unreadCount).toBe(1);

    // An anonymous question's preview names its pseudonym for a classmate, its author for the instructor.
    const anonymous = (await ok(a, ASK, { id: roomId, c: "an anonymous question", a: true, p: false }, tokens.bob))["sendMessage"].id;
    const preview = (await state(b, tokens.alice)).lastMessage;
    expect(preview).toMatchObject({ id: anonymous, anonymous: true });
    expect(preview.user.id).not.toBe(userIds.bob);
    expect(preview.user.username).not.toBe("bob");
    expect((await state(b, tokens.teacher)).lastMessage.user).toEqual({ id: userIds.bob, username: "bob" });
    expect((await state(b, tokens.bob)).lastMessage.user).toEqual({ id: userIds.bob, username: "bob" });
  });

  it("totals on me, badges capped for display only, and myCourses by latest activity", async () => {
    const { tokens, roomId } = t.world;
    await readAll(tokens.alice);
    for (let i = 0; i < 101; i++) await send(tokens.bob, i === 0 ? "@alice look" : `flood ${i}`);
    expect(await state(a, tokens.alice)).toMatchObject({ unreadCount: 101, mentionCount: 1, unreadBadge: "99+" });
    expect((await ok(b, ME, {}, tokens.alice))["me"]).toEqual({ username: "alice", totalUnreadCount: 101, totalMentionCount: 1 });
    // A message's author is not `me`: no counts there, even for oneself.
    const authors = (await ok(a, `query($id: ID!) { messages(courseId: $id, last: 1) { user { totalUnreadCount } } }`, { id: roomId }, tokens.bob))["messages"];
    expect(authors[0].user.totalUnreadCount).toBeNull();

    // The teacher's rooms: the other room last had a message, then the main room is newer.
    const order = async () => (await ok(a, `{ myCourses(orderBy: ACTIVITY) { id lastActivityAt } }`, {}, tokens.teacher))["myCourses"].map((c: { id: string }) => c.id);
    const byId = async () => (await ok(a, `{ myCourses { id } }`, {}, tokens.teacher))["myCourses"].map((c: { id: string }) => c.id);
    await send(tokens.teacher, "latest in the other room", t.world.otherRoomId);
    expect(await order()).toEqual([t.world.otherRoomId, roomId]);
    await send(tokens.bob, "latest in the main room");
    expect(await order()).toEqual([roomId, t.world.otherRoomId]);
    expect(await byId()).toEqual([roomId, t.world.otherRoomId].sort((x, y) => Number(x) - Number(y)));
  });

  it("myRoomsUpdated: every room first, then new messages, and a read on another device and instance within a second", async () => {
    const { tokens, roomId, otherRoomId } = t.world;
    await readAll(tokens.alice);
    const phone = await homeScreen(b, tokens.alice);
    const first = await phone.until((u) => u.courseId === roomId && u.kind === "SNAPSHOT");
    expect(first).toMatchObject({ unreadCount: 0, mentionCount: 0, unreadBadge: "0", firstUnreadMessageId: null });
    // Only the rooms the user belongs to.
    expect(phone.updates().some((u) => u.courseId === otherRoomId)).toBe(false);
    const id = await send(tokens.bob, "@alice new on the home screen");
    expect(await phone.until((u) => u.kind === "MESSAGE" && u.lastMessage?.id === id)).toMatchObject({
      courseId: roomId,
      unreadCount: 1,
      mentionCount: 1,
      firstUnreadMessageId: id,
      lastMessage: { content: "@alice new on the home screen", user: { username: "bob" } },
    });
    // Read on the laptop, served by the other instance: the phone's badge clears within a second.
    const started = Date.now();
    await ok(a, MARK_READ, { c: roomId, m: id }, tokens.alice);
    expect(await phone.until((u) => u.kind === "READ" && u.unreadCount === 0)).toMatchObject({ lastReadMessageId: id, mentionCount: 0 });
    expect(Date.now() - started).toBeLessThan(1000);
    // A deletion changes the counts it concerned.
    const gone = await send(tokens.bob, "soon gone");
    await phone.until((u) => u.lastMessage?.id === gone && u.unreadCount === 1);
    await ok(a, `mutation($id: ID!) { deleteMessage(messageId: $id) { id } }`, { id: gone }, tokens.bob);
    expect(await phone.until((u) => u.kind === "CHANGED" && u.unreadCount === 0)).toMatchObject({ lastMessage: { id } });
    await phone.socket.close();
  });

  it("myRoomsUpdated keeps private questions and anonymous authors from classmates", async () => {
    const { tokens, roomId, userIds } = t.world;
    const alice = await homeScreen(a, tokens.alice);
    const teacher = await homeScreen(b, tokens.teacher);
    await alice.until((u) => u.courseId === roomId && u.kind === "SNAPSHOT");
    await teacher.until((u) => u.courseId === roomId && u.kind === "SNAPSHOT");
    const before = (await state(a, tokens.alice)).unreadCount;
    const secret = (await ok(a, ASK, { id: roomId, c: "a private one", a: false, p: true }, tokens.bob))["sendMessage"].id;
    await teacher.until((u) => u.kind === "MESSAGE" && u.lastMessage?.id === secret);
    const anonymous = (await ok(b, ASK, { id: roomId, c: "an anonymous one", a: true, p: false }, tokens.bob))["sendMessage"].id;
    const seen = await alice.until((u) => u.kind === "MESSAGE" && u.lastMessage?.id === anonymous);
    expect(seen.unreadCount).toBe(before! + 1);
    expect(seen.lastMessage.user.id).not.toBe(userIds.bob);
    expect(seen.lastMessage.user.username).not.toBe("bob");
    expect(alice.updates().some((u) => u.lastMessage?.id === secret || u.unreadCount === before! + 2)).toBe(false);
    expect((await teacher.until((u) => u.lastMessage?.id === anonymous)).lastMessage.user).toEqual({ id: userIds.bob, username: "bob" });
    await Promise.all([alice.socket.close(), teacher.socket.close()]);
  });

  it("myRoomsUpdated resumes from a cursor with every room changed since, and refuses a cursor that is not one", async () => {
    const { tokens, roomId } = t.world;
    const phone = await homeScreen(a, tokens.alice);
    const last = await phone.until((u) => u.courseId === roomId);
    await phone.socket.close();
    const missed = await send(tokens.bob, "sent while the phone was away");
    const back = await homeScreen(b, tokens.alice, last.cursor);
    expect(await back.until((u) => u.courseId === roomId && u.lastMessage?.id === missed)).toMatchObject({ kind: "SNAPSHOT" });
    await back.socket.close();
    const bad = await TestSocket.connect(a, tokens.alice);
    const op = bad.subscribe(HOME, { after: "yesterday" });
    await bad.waitFor(() => bad.results(op).length > 0);
    expect(codes(bad.results(op)[0])).toEqual(["BAD_USER_INPUT"]);
    await bad.close();
  });

  it("myRoomsUpdated: a removed member gets LEFT and nothing more of the room, and JOINED once re-admitted", async () => {
    const { tokens, roomId, userIds } = t.world;
    const alice = await homeScreen(b, tokens.alice);
    const bob = await homeScreen(b, tokens.bob);
    await alice.until((u) => u.courseId === roomId && u.kind === "SNAPSHOT");
    await bob.until((u) => u.courseId === roomId && u.kind === "SNAPSHOT");
    await ok(a, `mutation($u: ID!, $c: ID!) { removeStudent(userId: $u, courseId: $c) { id } }`, { u: userIds.alice, c: roomId }, tokens.teacher);
    expect(await alice.until((u) => u.courseId === roomId && u.kind === "LEFT")).toMatchObject({ unreadCount: null, lastMessage: null });
    const after = await send(tokens.bob, "alice must not see this");
    await bob.until((u) => u.lastMessage?.id === after);
    const leftAt = alice.updates().findIndex((u) => u.kind === "LEFT");
    expect(alice.updates().slice(leftAt + 1)).toEqual([]);
    await ok(a, `mutation($u: ID!, $c: ID!) { readmitStudent(userId: $u, courseId: $c) { id } }`, { u: userIds.alice, c: roomId }, tokens.teacher);
    expect(await alice.until((u) => u.courseId === roomId && u.kind === "JOINED")).toMatchObject({ unreadCount: 0 });
    await Promise.all([alice.socket.close(), bob.socket.close()]);
  });
});
