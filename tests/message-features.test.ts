import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codes, graphql, TestSocket } from "./support/graphql.js";
import { MESSAGE_FIELDS } from "./support/room-state.js";
import { startTopology, type Topology, type TopologyKind } from "./support/topology.js";

const SEND = `mutation($id: ID!, $c: String!, $r: ID) { sendMessage(courseId: $id, content: $c, replyToId: $r) { ${MESSAGE_FIELDS} } }`;
const EDIT = `mutation($id: ID!, $c: String!) { editMessage(messageId: $id, content: $c) { ${MESSAGE_FIELDS} } }`;
const REACT = `mutation($id: ID!, $e: String!) { addReaction(messageId: $id, emoji: $e) { id reactions { emoji count reactedByMe users(first: 2) { username } } } }`;
const UNREACT = `mutation($id: ID!, $e: String!) { removeReaction(messageId: $id, emoji: $e) { id reactions { emoji count } } }`;
const THREAD = `query($id: ID!, $last: Int, $before: ID, $after: ID) { thread(messageId: $id, last: $last, before: $before, after: $after) { id content replyTo { id deleted preview } } }`;
const MESSAGE = `query($id: ID!) { messages(courseId: $id, last: 100) { ${MESSAGE_FIELDS} } }`;
const DELETE = `mutation($id: ID!) { deleteMessage(messageId: $id) { id } }`;

describe.each<TopologyKind>(["sqlite, one instance", "postgresql + redis, two processes"])("what chat users expect of messages (%s)", (kind) => {
  let t: Topology;
  let a: string;
  let b: string;
  const send = async (token: string, content: string, replyTo?: string, courseId = t.world.roomId) => {
    const res = await graphql(a, SEND, { id: courseId, c: content, ...(replyTo ? { r: replyTo } : {}) }, token);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!["sendMessage"] as Record<string, any>;
  };
  const shown = async (token: string, id: string) =>
    ((await graphql(b, MESSAGE, { id: t.world.roomId }, token)).data?.["messages"] as Record<string, any>[]).find((m) => m["id"] === id);

  beforeAll(async () => {
    t = await startTopology(kind, { SEND_RATE_LIMIT: "off", EDIT_WINDOW: "3s" });
    [a, b] = t.urls;
  });
  afterAll(async () => t?.stop());

  describe("editing", () => {
    it("lets the author edit within the window, keeps every version for moderators, and nobody else rewrites them", async () => {
      const { tokens } = t.world;
      const message = await send(tokens.alice, "teh first draft");
      const edited = await graphql(b, EDIT, { id: message["id"], c: "the first draft" }, tokens.alice);
      expect(edited.data?.["editMessage"]).toMatchObject({ content: "the first draft", editedAt: expect.any(String) });
      expect(codes(await graphql(a, EDIT, { id: message["id"], c: "the final text" }, tokens.alice))).toEqual([]);
      for (const other of [tokens.bob, tokens.teacher, tokens.staff]) expect(codes(await graphql(a, EDIT, { id: message["id"], c: "not yours" }, other))).toEqual(["FORBIDDEN"]);
      expect(codes(await graphql(a, EDIT, { id: message["id"], c: "x" }, tokens.outsider))).toEqual(["FORBIDDEN"]);
      expect(codes(await graphql(a, EDIT, { id: "987654", c: "x" }, tokens.alice))).toEqual(["FORBIDDEN"]);
      expect(codes(await graphql(a, EDIT, { id: message["id"], c: "   " }, tokens.alice))).toEqual(["BAD_USER_INPUT"]);
      const admin = await graphql(
        a,
        `query($id: ID!) { adminMessages(filter: { courseId: $id }, first: 200) { nodes { id content editedAt versions { content } } } }`,
        { id: t.world.roomId },
        tokens.teacher,
      );
      const record = admin.data?.["adminMessages"].nodes.find((n: { id: string }) => n.id === message["id"]);
      expect(record).toMatchObject({ content: "the final text", versions: [{ content: "teh first draft" }, { content: "the first draft" }] });
      // Past the window even the author may not.
      await new Promise((r) => setTimeout(r, 3200));
      const late = await graphql(a, EDIT, { id: message["id"], c: "too late" }, tokens.alice);
      expect(codes(late)).toEqual(["FORBIDDEN"]);
      expect(late.errors?.[0]?.extensions?.["reason"]).toBe("EDIT_WINDOW_PASSED");
    });

    it("refuses to edit a deleted message, and follows the room's settings", async () => {
      const { tokens, roomId } = t.world;
      const doomed = await send(tokens.bob, "soon gone");
      await graphql(a, DELETE, { id: doomed["id"] }, tokens.teacher);
      const res = await graphql(a, EDIT, { id: doomed["id"], c: "edit" }, tokens.bob);
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "MESSAGE_DELETED" });
      const mine = await send(tokens.bob, "before the announcement");
      await graphql(a, `mutation($id: ID!) { updateRoomSettings(courseId: $id, announcementOnly: true) { id } }`, { id: roomId }, tokens.teacher);
      expect(codes(await graphql(b, EDIT, { id: mine["id"], c: "during" }, tokens.bob))).toEqual(["FORBIDDEN"]);
      await graphql(a, `mutation($id: ID!) { updateRoomSettings(courseId: $id, announcementOnly: false) { id } }`, { id: roomId }, tokens.teacher);
      expect(codes(await graphql(b, EDIT, { id: mine["id"], c: "after" }, tokens.bob))).toEqual([]);
    });
  });

  describe("replies and threads", () => {
    it("quotes the parent, counts a thread's replies on its first message, and pages the thread", async () => {
      const { tokens } = t.world;
      const root = await send(tokens.teacher, "Question of the day: what is a monad?");
      const first = await send(tokens.alice, "a burrito", root["id"]);
      expect(first).toMatchObject({ threadRootId: root["id"], replyTo: { id: root["id"], preview: "Question of the day: what is a monad?", deleted: false } });
      // A reply to a reply joins the same thread.
      const nested = await send(tokens.bob, "no it is not", first["id"]);
      expect(nested).toMatchObject({ threadRootId: root["id"], replyTo: { id: first["id"] } });
      const replies = [first, nested];
      for (let i = 0; i < 3; i++) replies.push(await send(tokens.bob, `more ${i}`, root["id"]));
      expect(await shown(tokens.alice, root["id"])).toMatchObject({ replyCount: 5, lastReplyAt: expect.any(String) });
      const all = (await graphql(b, THREAD, { id: root["id"] }, tokens.alice)).data?.["thread"];
      expect(all.map((m: { id: string }) => m.id)).toEqual(replies.map((m) => m["id"]));
      const last2 = (await graphql(b, THREAD, { id: root["id"], last: 2 }, tokens.alice)).data?.["thread"];
      expect(last2.map((m: { id: string }) => m.id)).toEqual(replies.slice(-2).map((m) => m["id"]));
      const before = (await graphql(b, THREAD, { id: nested["id"], last: 2, before: replies[2]!["id"] }, tokens.alice)).data?.["thread"];
      expect(before.map((m: { id: string }) => m.id)).toEqual([first["id"], nested["id"]]);
      expect(codes(await graphql(b, THREAD, { id: root["id"] }, tokens.outsider))).toEqual(["FORBIDDEN"]);
      expect(codes(await graphql(b, THREAD, { id: root["id"], last: 0 }, tokens.alice))).toEqual(["BAD_USER_INPUT"]);

      // A deleted reply stops counting; a deleted first message keeps its thread readable.
      await graphql(a, DELETE, { id: nested["id"] }, tokens.teacher);
      expect((await shown(tokens.alice, root["id"]))?.["replyCount"]).toBe(4);
      await graphql(a, DELETE, { id: root["id"] }, tokens.teacher);
      const orphans = (await graphql(b, THREAD, { id: root["id"] }, tokens.alice)).data?.["thread"];
      expect(orphans).toHaveLength(4);
      expect(orphans[0].replyTo).toEqual({ id: root["id"], deleted: true, preview: "" });
      expect(codes(await graphql(a, SEND, { id: t.world.roomId, c: "too late", r: root["id"] }, tokens.bob))).toEqual(["BAD_USER_INPUT"]);
    });

    it("answers only a message of the same room", async () => {
      const elsewhere = await send(t.world.tokens.teacher, "in the other course", undefined, t.world.otherRoomId);
      const res = await graphql(a, SEND, { id: t.world.roomId, c: "cross-room", r: elsewhere["id"] }, t.world.tokens.alice);
      expect(codes(res)).toEqual(["BAD_USER_INPUT"]);
      expect(codes(await graphql(a, SEND, { id: t.world.roomId, c: "nowhere", r: "987654" }, t.world.tokens.alice))).toEqual(["BAD_USER_INPUT"]);
    });
  });

  describe("reactions", () => {
    it("keeps one reaction per user per emoji, says who reacted, and takes them back", async () => {
      const { tokens } = t.world;
      const message = await send(tokens.teacher, "React to me");
      const react = (token: string, emoji: string) => graphql(a, REACT, { id: message["id"], e: emoji }, token);
      expect((await react(tokens.alice, "👍")).data?.["addReaction"].reactions).toEqual([{ emoji: "👍", count: 1, reactedByMe: true, users: [{ username: "alice" }] }]);
      expect((await react(tokens.alice, "👍")).data?.["addReaction"].reactions[0].count).toBe(1);
      await react(tokens.bob, "👍");
      await react(tokens.staff, "👍");
      await react(tokens.bob, "❤");
      const seenByTeacher = await shown(tokens.teacher, message["id"]);
      expect(seenByTeacher?.["reactions"]).toEqual([
        { emoji: "👍", count: 3, reactedByMe: false },
        { emoji: "❤️", count: 1, reactedByMe: false },
      ]);
      const page = await graphql(
        b,
        `query($id: ID!) { messages(courseId: $id, last: 1) { reactions { users(first: 2) { username } more: users(first: 2, after: "${t.world.userIds.bob}") { username } } } }`,
        { id: t.world.roomId },
        tokens.teacher,
      );
      expect(page.data?.["messages"][0].reactions[0]).toEqual({ users: [{ username: "alice" }, { username: "bob" }], more: [{ username: "staffer" }] });
      expect((await graphql(a, UNREACT, { id: message["id"], e: "❤️" }, tokens.bob)).data?.["removeReaction"].reactions).toEqual([{ emoji: "👍", count: 3 }]);
      expect((await graphql(a, UNREACT, { id: message["id"], e: "🎉" }, tokens.bob)).errors).toBeUndefined();
    });

    it("takes only one real emoji, at most 20 different ones per message, from members only", async () => {
      const { tokens } = t.world;
      const message = await send(tokens.teacher, "So many feelings");
      for (const bad of ["a", "👍👍", "", " ", "\u0000", "👍a", ":)", "x".repeat(70)]) {
        expect(codes(await graphql(a, REACT, { id: message["id"], e: bad }, tokens.alice)), bad).toEqual(["BAD_USER_INPUT"]);
      }
      for (const ok of ["👍🏽", "🇫🇷", "👨‍👩‍👧", "1️⃣"]) expect(codes(await graphql(a, REACT, { id: message["id"], e: ok }, tokens.alice)), ok).toEqual([]);
      const more = ["😀", "😂", "🥲", "😍", "🤔", "😎", "😭", "😡", "🙏", "👏", "🔥", "💯", "🚀", "✅", "👀", "🎉"];
      for (const emoji of more) await graphql(a, REACT, { id: message["id"], e: emoji }, tokens.bob);
      const refused = await graphql(a, REACT, { id: message["id"], e: "🍕" }, tokens.bob);
      expect(codes(refused)).toEqual(["BAD_USER_INPUT"]);
      // One more of an emoji already there is fine.
      expect(codes(await graphql(a, REACT, { id: message["id"], e: "🔥" }, tokens.alice))).toEqual([]);
      expect(codes(await graphql(a, REACT, { id: message["id"], e: "👍" }, tokens.outsider))).toEqual(["FORBIDDEN"]);
      expect(codes(await graphql(a, REACT, { id: "987654", e: "👍" }, tokens.alice))).toEqual(["FORBIDDEN"]);
    });
  });

  describe("mentions", () => {
    it("mentions members by name and through @instructor and @staff, never a non-member, and follows edits", async () => {
      const { tokens } = t.world;
      const message = await send(tokens.alice, "@bob and @instructor, see @outsider's note (mail me: alice@example.com).");
      expect(message["mentions"].map((m: { username: string }) => m.username)).toEqual(["bob", "teacher"]);
      const staff = await send(tokens.bob, "Hey @staff, and @alice.");
      expect(staff["mentions"].map((m: { username: string }) => m.username)).toEqual(["alice", "staffer"]);
      const edited = await graphql(a, EDIT, { id: message["id"], c: "only @ALICE now" }, tokens.alice);
      expect(edited.data?.["editMessage"].mentions).toEqual([{ username: "alice" }]);
    });
  });

  it("publishes every kind live to subscribers on the other instance", async () => {
    const { tokens, roomId } = t.world;
    const socket = await TestSocket.connect(b, tokens.alice);
    const anchor = await send(tokens.teacher, "live anchor");
    const op = socket.subscribe(`subscription($id: ID!, $after: ID) { roomEvents(courseId: $id, after: $after) { kind messageId settings { slowModeSeconds } } }`, {
      id: roomId,
      after: anchor["id"],
    });
    const m = await send(tokens.bob, "live one");
    await graphql(a, EDIT, { id: m["id"], c: "live one, edited" }, tokens.bob);
    await graphql(a, REACT, { id: m["id"], e: "👀" }, tokens.teacher);
    await send(tokens.teacher, "live reply", m["id"]);
    await graphql(a, `mutation($id: ID!) { updateRoomSettings(courseId: $id, slowModeSeconds: 3) { id } }`, { id: roomId }, tokens.teacher);
    await graphql(a, `mutation($id: ID!) { updateRoomSettings(courseId: $id, slowModeSeconds: 0) { id } }`, { id: roomId }, tokens.teacher);
    await graphql(a, DELETE, { id: m["id"] }, tokens.teacher);
    await socket.waitFor(() => socket.results(op).some((r) => r.data?.roomEvents?.kind === "MessageDeleted"));
    const kinds = socket.results(op).map((r) => r.data.roomEvents.kind);
    expect(kinds).toEqual(["MessageAdded", "MessageEdited", "ReactionsChanged", "MessageAdded", "ThreadUpdated", "SettingsChanged", "SettingsChanged", "MessageDeleted"]);
    await socket.close();
  });
});
