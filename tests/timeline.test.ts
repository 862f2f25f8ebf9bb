import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codes, graphql, TestSocket } from "./support/graphql.js";
import { freshRead, MESSAGE_FIELDS, ROOM_EVENTS, type RoomEventFrame, RoomState } from "./support/room-state.js";
import { startTopology, type Topology, type TopologyKind } from "./support/topology.js";

const SEND = `mutation($id: ID!, $c: String!, $r: ID) { sendMessage(courseId: $id, content: $c, replyToId: $r) { id } }`;
const EDIT = `mutation($id: ID!, $c: String!) { editMessage(messageId: $id, content: $c) { ${MESSAGE_FIELDS} } }`;
const DELETE = `mutation($id: ID!) { deleteMessage(messageId: $id) { id } }`;
const REACT = `mutation($id: ID!, $e: String!) { addReaction(messageId: $id, emoji: $e) { ${MESSAGE_FIELDS} } }`;
const UNREACT = `mutation($id: ID!, $e: String!) { removeReaction(messageId: $id, emoji: $e) { ${MESSAGE_FIELDS} } }`;
const SETTINGS = `mutation($id: ID!, $s: Int) { updateRoomSettings(courseId: $id, slowModeSeconds: $s) { id } }`;

/** A subscriber that builds the room from its events, and can drop and resume. */
class Follower {
  readonly state = new RoomState();
  private socket: TestSocket | null = null;
  private op = "";
  private taken = 0;

  constructor(
    private readonly token: string,
    private readonly courseId: string,
    from: string,
  ) {
    this.state.cursors.push(from);
  }

  async follow(url: string): Promise<void> {
    this.socket = await TestSocket.connect(url, this.token);
    this.op = this.socket.subscribe(ROOM_EVENTS, { id: this.courseId, after: this.state.cursor });
    this.taken = 0;
  }

  /** Applies what arrived since last asked. */
  drain(): void {
    const results = this.socket?.results(this.op) ?? [];
    for (const result of results.slice(this.taken)) {
      if (result.errors) throw new Error(JSON.stringify(result.errors));
      this.state.apply(result.data.roomEvents as RoomEventFrame);
    }
    this.taken = results.length;
  }

  async until(predicate: (state: RoomState) => boolean, ms = 10_000): Promise<void> {
    await this.socket!.waitFor(() => {
      this.drain();
      return predicate(this.state);
    }, ms);
  }

  async drop(): Promise<void> {
    this.drain();
    await this.socket?.close();
    this.socket = null;
  }
}

describe.each<TopologyKind>(["sqlite, one instance", "postgresql + redis, two processes"])("the room timeline (%s)", (kind) => {
  let t: Topology;
  let a: string;
  let b: string;
  const id = (res: { data?: any }) => res.data?.["sendMessage"]?.id as string;

  beforeAll(async () => {
    t = await startTopology(kind, { SEND_RATE_LIMIT: "off" });
    [a, b] = t.urls;
  });
  afterAll(async () => t?.stop());

  it("replays every change a dropped subscriber missed — posts, edits, deletions, reactions, replies, settings — once, in order, to exactly the room's state", async () => {
    const { tokens, roomId } = t.world;
    // Both follow the room from an anchor on: whatever comes after it reaches them, replayed or live.
    const anchor = id(await graphql(a, SEND, { id: roomId, c: "anchor of the timeline test" }, tokens.staff));
    const since = async (url: string, token: string) => (await freshRead(url, token, roomId)).filter((m) => Number(m["id"]) > Number(anchor));
    const away = new Follower(tokens.alice, roomId, anchor);
    const stays = new Follower(tokens.teacher, roomId, anchor);
    await away.follow(a);
    await stays.follow(b);
    const m1 = id(await graphql(a, SEND, { id: roomId, c: "first, to be edited" }, tokens.bob));
    const m2 = id(await graphql(b, SEND, { id: roomId, c: "second, to be deleted" }, tokens.bob));
    const m3 = id(await graphql(a, SEND, { id: roomId, c: "third, to be reacted to and answered" }, tokens.teacher));
    await away.until((s) => s.messages.has(m3));
    await away.drop();

    // While alice is away, on both instances.
    expect(codes(await graphql(b, EDIT, { id: m1, c: "first, edited" }, tokens.bob))).toEqual([]);
    expect(codes(await graphql(a, DELETE, { id: m2 }, tokens.teacher))).toEqual([]);
    expect(codes(await graphql(b, REACT, { id: m3, e: "👍" }, tokens.staff))).toEqual([]);
    expect(codes(await graphql(a, REACT, { id: m3, e: "🎉" }, tokens.bob))).toEqual([]);
    const r1 = id(await graphql(b, SEND, { id: roomId, c: "a reply @alice", r: m3 }, tokens.bob));
    const r2 = id(await graphql(a, SEND, { id: roomId, c: "a reply to the reply", r: r1 }, tokens.staff));
    expect(codes(await graphql(b, UNREACT, { id: m3, e: "🎉" }, tokens.bob))).toEqual([]);
    expect(codes(await graphql(a, REACT, { id: r1, e: "❤" }, tokens.alice))).toEqual([]);
    expect(codes(await graphql(b, DELETE, { id: r2 }, tokens.staff))).toEqual([]);
    expect(codes(await graphql(a, SETTINGS, { id: roomId, s: 5 }, tokens.teacher))).toEqual([]);

    // Back on the other instance, from the last cursor it saw.
    await away.follow(b);
    await away.until((s) => s.settings?.slowModeSeconds === 5);
    const fresh = await since(a, tokens.alice);
    expect(away.state.shown()).toEqual(fresh);
    expect(away.state.duplicates()).toEqual([]);
    expect(away.state.inOrder()).toBe(true);
    const thread = fresh.find((m) => m["id"] === m3)!;
    expect(thread).toMatchObject({ replyCount: 1, reactions: [{ emoji: "👍", count: 1, reactedByMe: false }] });
    expect(fresh.find((m) => m["id"] === r1)).toMatchObject({
      threadRootId: m3,
      replyTo: { id: m3, deleted: false },
      mentions: [{ username: "alice" }],
      reactions: [{ emoji: "❤️", count: 1, reactedByMe: true }],
    });
    expect(fresh.find((m) => m["id"] === m1)).toMatchObject({ content: "first, edited", editedAt: expect.any(String) });
    expect(fresh.some((m) => m["id"] === m2 || m["id"] === r2)).toBe(false);

    // The one who stayed saw the same live, and both go on live.
    await stays.until((s) => s.settings?.slowModeSeconds === 5);
    expect(stays.state.shown().map((m) => ({ ...m, reactions: (m["reactions"] as unknown[]).length }))).toEqual(
      (await since(b, tokens.teacher)).map((m) => ({ ...m, reactions: (m["reactions"] as unknown[]).length })),
    );
    expect(stays.state.duplicates()).toEqual([]);
    expect(codes(await graphql(b, SETTINGS, { id: roomId, s: 0 }, tokens.teacher))).toEqual([]);
    expect(codes(await graphql(a, EDIT, { id: r1, c: "a reply, edited @alice" }, tokens.bob))).toEqual([]);
    await away.until((s) => s.messages.get(r1)?.["content"] === "a reply, edited @alice");
    expect(away.state.settings?.slowModeSeconds).toBe(0);
    expect(away.state.shown()).toEqual(await since(a, tokens.alice));
    await Promise.all([away.drop(), stays.drop()]);
  });

  it("keeps messageAdded and message-id cursors working as before: additions only, after that message", async () => {
    const { tokens, roomId } = t.world;
    const before = id(await graphql(a, SEND, { id: roomId, c: "anchor" }, tokens.bob));
    const later = id(await graphql(a, SEND, { id: roomId, c: "after the anchor" }, tokens.bob));
    await graphql(b, EDIT, { id: later, c: "after the anchor, edited" }, tokens.bob);
    const socket = await TestSocket.connect(b, tokens.alice);
    const added = socket.subscribe(`subscription($id: ID!, $after: ID) { messageAdded(courseId: $id, after: $after) { id content } }`, { id: roomId, after: before });
    const events = socket.subscribe(`subscription($id: ID!, $after: ID) { roomEvents(courseId: $id, after: $after) { kind messageId } }`, { id: roomId, after: before });
    await socket.waitFor(() => socket.results(added).length >= 1 && socket.results(events).length >= 2);
    expect(socket.results(added).map((r) => r.data.messageAdded)).toEqual([{ id: later, content: "after the anchor, edited" }]);
    expect(socket.results(events).map((r) => r.data.roomEvents)).toEqual([
      { kind: "MessageAdded", messageId: later },
      { kind: "MessageEdited", messageId: later },
    ]);
    await socket.close();
  });
});
