import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codes, graphql } from "./support/graphql.js";
import { startTopology, type Topology } from "./support/topology.js";

const MEMBERS = `query($id: ID!) { roomMembers(courseId: $id) { id username role } }`;
const SEARCH = `query($id: ID!, $q: String!, $first: Int, $before: ID) {
  searchMessages(courseId: $id, query: $q, first: $first, before: $before) { id content user { username } }
}`;
const SEND = `mutation($id: ID!, $c: String!) { sendMessage(courseId: $id, content: $c) { id } }`;
const DELETE = `mutation($id: ID!) { deleteMessage(messageId: $id) { id } }`;

/** The room's member list and search: members only, on SQLite and on PostgreSQL. */
describe.each(["sqlite, one instance", "postgresql + redis, two processes"] as const)("room directory (%s)", (kind) => {
  let t: Topology;
  let url: string;
  const sent: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTopology(kind, { SEND_RATE_LIMIT: "off" });
    url = t.urls[0];
    const { tokens, roomId } = t.world;
    for (const [who, text] of [
      ["alice", "Is the Quiz on Friday?"],
      ["bob", "The quiz is on friday, yes"],
      ["alice", "100% sure? Use a_b names"],
      ["teacher", "Ünïcode QUIZ notes"],
      ["bob", "Spoiler: the answer is 42"],
    ] as const) {
      const res = await graphql(url, SEND, { id: roomId, c: text }, tokens[who]);
      sent[text] = res.data?.["sendMessage"].id;
    }
    await graphql(url, DELETE, { id: sent["Spoiler: the answer is 42"] }, tokens.teacher);
  });
  afterAll(async () => t?.stop());

  it("lists the instructor, then staff, then enrolled students, to members", async () => {
    const { tokens, roomId } = t.world;
    for (const token of [tokens.alice, tokens.teacher, tokens.staff]) {
      const res = await graphql(url, MEMBERS, { id: roomId }, token);
      expect(res.errors).toBeUndefined();
      expect(res.data?.["roomMembers"].map((u: { username: string; role: string }) => `${u.username}:${u.role}`)).toEqual([
        "teacher:Instructor",
        "staffer:Staff",
        "alice:Student",
        "bob:Student",
      ]);
    }
  });

  it("finds messages ignoring case, newest first, never deleted ones, and pages back with before", async () => {
    const { tokens, roomId } = t.world;
    const found = await graphql(url, SEARCH, { id: roomId, q: "quiz" }, tokens.bob);
    expect(found.errors).toBeUndefined();
    expect(found.data?.["searchMessages"].map((m: { content: string }) => m.content)).toEqual([
      "Ünïcode QUIZ notes",
      "The quiz is on friday, yes",
      "Is the Quiz on Friday?",
    ]);
    const older = await graphql(url, SEARCH, { id: roomId, q: "QUIZ", first: 1, before: sent["The quiz is on friday, yes"] }, tokens.bob);
    expect(older.data?.["searchMessages"].map((m: { content: string }) => m.content)).toEqual(["Is the Quiz on Friday?"]);
    // % and _ are plain characters, not wildcards.
    const literal = await graphql(url, SEARCH, { id: roomId, q: "0% sure" }, tokens.bob);
    expect(literal.data?.["searchMessages"].map((m: { content: string }) => m.content)).toEqual(["100% sure? Use a_b names"]);
    expect((await graphql(url, SEARCH, { id: roomId, q: "a_b" }, tokens.bob)).data?.["searchMessages"]).toHaveLength(1);
    expect((await graphql(url, SEARCH, { id: roomId, q: "o_n" }, tokens.bob)).data?.["searchMessages"]).toEqual([]);
    expect((await graphql(url, SEARCH, { id: roomId, q: "spoiler" }, tokens.teacher)).data?.["searchMessages"]).toEqual([]);
  });

  it("gives non-members, missing courses and anonymous callers nothing", async () => {
    const { tokens, otherRoomId } = t.world;
    for (const [query, variables] of [
      [MEMBERS, { id: otherRoomId }],
      [MEMBERS, { id: "999999" }],
      [MEMBERS, { id: "not-an-id" }],
      [SEARCH, { id: otherRoomId, q: "quiz" }],
      [SEARCH, { id: "999999", q: "quiz" }],
    ] as const) {
      const res = await graphql(url, query, variables, tokens.alice);
      expect(codes(res)).toEqual(["FORBIDDEN"]);
      expect(res.data ?? null).toBeNull();
    }
    // Text no database could store is refused before anything is looked up: the same answer for a member and a stranger.
    const strange = await graphql(url, SEARCH, { id: otherRoomId, q: "bad\u0000text" }, tokens.alice);
    const member = await graphql(url, SEARCH, { id: t.world.roomId, q: "bad\u0000text" }, tokens.alice);
    expect(codes(strange)).toEqual(["BAD_USER_INPUT"]);
    expect(strange.raw).toBe(member.raw);
    expect(codes(await graphql(url, MEMBERS, { id: t.world.roomId }, tokens.outsider))).toEqual(["FORBIDDEN"]);
    expect(codes(await graphql(url, MEMBERS, { id: t.world.roomId }))).toEqual(["UNAUTHENTICATED"]);
    expect(codes(await graphql(url, SEARCH, { id: t.world.roomId, q: "quiz" }))).toEqual(["UNAUTHENTICATED"]);
  });

  it("answers bad input from members with BAD_USER_INPUT", async () => {
    const { tokens, roomId } = t.world;
    for (const variables of [
      { id: roomId, q: "   " },
      { id: roomId, q: "nul\u0000inside" },
      { id: roomId, q: "x".repeat(201) },
      { id: roomId, q: "quiz", first: 0 },
      { id: roomId, q: "quiz", first: 51 },
      { id: roomId, q: "quiz", before: "abc" },
    ]) {
      const res = await graphql(url, SEARCH, variables, tokens.alice);
      expect(codes(res)).toEqual(["BAD_USER_INPUT"]);
      expect(res.raw).not.toMatch(/at .*\.js/);
    }
  });
});
