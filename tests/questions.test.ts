import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codes, graphql, TestSocket } from "./support/graphql.js";
import { scrapeMetrics } from "./support/databases.js";
import { startTopology, type Topology, type TopologyKind } from "./support/topology.js";

const Q_FIELDS = `id content kind anonymous user { id username } replyTo { id user { id username } }
  question { status private acceptedAnswerId firstStaffAnswerAt waitingSeconds } answer { endorsed accepted }`;
const ASK = `mutation($id: ID!, $c: String!, $a: Boolean, $p: Boolean) { sendMessage(courseId: $id, content: $c, kind: QUESTION, anonymous: $a, private: $p) { ${Q_FIELDS} } }`;
const ANSWER = `mutation($id: ID!, $c: String!, $r: ID!, $a: Boolean) { sendMessage(courseId: $id, content: $c, replyToId: $r, anonymous: $a) { ${Q_FIELDS} } }`;
const HISTORY = `query($id: ID!) { messages(courseId: $id, last: 100) { id user { id username } question { status acceptedAnswerId firstStaffAnswerAt } } }`;
const THREAD = `query($id: ID!) { thread(messageId: $id) { ${Q_FIELDS} } }`;
const QUEUE = `query($c: ID) { openQuestions(courseId: $c) { id question { status waitingSeconds } user { username } } }`;
const mutate = (name: string, extra = "") => `mutation($id: ID!) { ${name}(messageId: $id${extra}) { ${Q_FIELDS} } }`;

describe.each<TopologyKind>(["sqlite, one instance", "postgresql + redis, two processes"])("course questions (%s)", (kind) => {
  let t: Topology;
  let a: string;
  let b: string;
  const ask = async (token: string, content: string, options: { anonymous?: boolean; private?: boolean } = {}) => {
    const res = await graphql(a, ASK, { id: t.world.roomId, c: content, a: options.anonymous ?? false, p: options.private ?? false }, token);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!["sendMessage"] as Record<string, any>;
  };
  const answer = async (token: string, to: string, content: string, anonymous = false) => {
    const res = await graphql(b, ANSWER, { id: t.world.roomId, c: content, r: to, a: anonymous }, token);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!["sendMessage"] as Record<string, any>;
  };

  beforeAll(async () => {
    t = await startTopology(kind, { SEND_RATE_LIMIT: "off" });
    [a, b] = t.urls;
  });
  afterAll(async () => t?.stop());

  it("goes from open to answered by a staff answer, with endorsements, acceptance, resolution and reopening, each live", async () => {
    const { tokens, roomId } = t.world;
    const watcher = await TestSocket.connect(b, tokens.teacher);
    const queueOp = watcher.subscribe(`subscription($c: ID) { openQuestionsUpdated(courseId: $c) { questionId open question { question { status } } } }`, { c: roomId });
    const question = await ask(tokens.alice, "How do I reverse a linked list in place?");
    expect(question).toMatchObject({ kind: "QUESTION", question: { status: "OPEN", private: false, acceptedAnswerId: null } });
    const eventsOp = watcher.subscribe(`subscription($id: ID!, $after: ID) { roomEvents(courseId: $id, after: $after) { kind messageId } }`, { id: roomId, after: question["id"] });
    await watcher.waitFor(() => watcher.results(queueOp).some((r) => r.data?.openQuestionsUpdated?.questionId === question["id"] && r.data.openQuestionsUpdated.open));
    expect((await graphql(a, QUEUE, { c: roomId }, tokens.teacher)).data?.["openQuestions"].map((q: { id: string }) => q.id)).toContain(question["id"]);
    expect(codes(await graphql(a, QUEUE, { c: roomId }, tokens.alice))).toEqual(["FORBIDDEN"]);

    const byStudent = await answer(tokens.bob, question["id"], "Three pointers: prev, current, next.");
    expect(byStudent.answer).toEqual({ endorsed: false, accepted: false });
    const byStaff = await answer(tokens.teacher, question["id"], "Yes — and mind the head at the end.");
    await watcher.waitFor(() => watcher.results(queueOp).some((r) => r.data?.openQuestionsUpdated?.questionId === question["id"] && !r.data.openQuestionsUpdated.open));
    expect((await graphql(a, QUEUE, { c: roomId }, tokens.teacher)).data?.["openQuestions"].map((q: { id: string }) => q.id)).not.toContain(question["id"]);

    expect(codes(await graphql(a, mutate("endorseAnswer"), { id: byStudent["id"] }, tokens.bob))).toEqual(["FORBIDDEN"]);
    expect((await graphql(a, mutate("endorseAnswer"), { id: byStudent["id"] }, tokens.teacher)).data?.["endorseAnswer"].answer).toEqual({ endorsed: true, accepted: false });
    expect(codes(await graphql(a, mutate("acceptAnswer"), { id: byStudent["id"] }, tokens.bob))).toEqual(["FORBIDDEN"]);
    expect((await graphql(b, mutate("acceptAnswer"), { id: byStudent["id"] }, tokens.alice)).data?.["acceptAnswer"].answer).toEqual({ endorsed: true, accepted: true });
    const thread = (await graphql(a, THREAD, { id: question["id"] }, tokens.bob)).data?.["thread"];
    expect(thread.map((m: any) => [m.id, m.answer])).toEqual([
      [byStudent["id"], { endorsed: true, accepted: true }],
      [byStaff["id"], { endorsed: false, accepted: false }],
    ]);
    const after = (await graphql(a, HISTORY, { id: roomId }, tokens.bob)).data?.["messages"].find((m: any) => m.id === question["id"]);
    expect(after.question).toMatchObject({ status: "ANSWERED", acceptedAnswerId: byStudent["id"], firstStaffAnswerAt: expect.any(String) });

    expect(codes(await graphql(a, mutate("resolveQuestion"), { id: question["id"] }, tokens.bob))).toEqual(["FORBIDDEN"]);
    expect((await graphql(a, mutate("resolveQuestion"), { id: question["id"] }, tokens.alice)).data?.["resolveQuestion"].question.status).toBe("RESOLVED");
    expect((await graphql(b, mutate("reopenQuestion"), { id: question["id"] }, tokens.staff)).data?.["reopenQuestion"].question.status).toBe("OPEN");
    await watcher.waitFor(() => watcher.results(queueOp).filter((r) => r.data?.openQuestionsUpdated?.questionId === question["id"] && r.data.openQuestionsUpdated.open).length >= 2);
    const kinds = () => watcher.results(eventsOp).map((r) => r.data.roomEvents.kind);
    await watcher.waitFor(() => kinds().filter((k) => k === "QuestionUpdated").length >= 4);
    expect(kinds()).toEqual(expect.arrayContaining(["MessageAdded", "ThreadUpdated", "QuestionUpdated", "AnswerUpdated"]));
    // The wait for a first staff answer is exported.
    const metric = /^educa_chat_question_first_staff_answer_seconds_count (\d+)/m;
    const counts = await Promise.all(t.urls.map(async (url) => Number(metric.exec(await scrapeMetrics(url))?.[1] ?? 0)));
    expect(Math.max(...counts)).toBeGreaterThanOrEqual(1);
    await watcher.close();
  });

  it("refuses what a question cannot be", async () => {
    const { tokens, roomId } = t.world;
    const plain = (await graphql(a, `mutation($id: ID!) { sendMessage(courseId: $id, content: "plain") { id } }`, { id: roomId }, tokens.alice)).data?.["sendMessage"].id;
    const refused = [
      await graphql(a, `mutation($id: ID!, $r: ID!) { sendMessage(courseId: $id, content: "q", kind: QUESTION, replyToId: $r) { id } }`, { id: roomId, r: plain }, tokens.alice),
      await graphql(a, `mutation($id: ID!) { sendMessage(courseId: $id, content: "p", private: true) { id } }`, { id: roomId }, tokens.alice),
      await graphql(a, `mutation($id: ID!) { sendMessage(courseId: $id, content: "a", anonymous: true) { id } }`, { id: roomId }, tokens.alice),
      await graphql(a, ASK, { id: roomId, c: "as staff, hidden", a: true }, tokens.teacher),
    ];
    expect(refused.map(codes)).toEqual([["BAD_USER_INPUT"], ["BAD_USER_INPUT"], ["BAD_USER_INPUT"], ["BAD_USER_INPUT"]]);
    expect(codes(await graphql(a, ASK, { id: roomId, c: "an outsider's" }, tokens.outsider))).toEqual(["FORBIDDEN"]);
    expect(codes(await graphql(a, mutate("resolveQuestion"), { id: plain }, tokens.alice))).toEqual(["BAD_USER_INPUT"]);
    expect(codes(await graphql(a, mutate("resolveQuestion"), { id: plain }, tokens.outsider))).toEqual(["FORBIDDEN"]);
  });

  it("suggests similar earlier questions while one is typed", async () => {
    const { tokens, roomId } = t.world;
    const asked = await ask(tokens.bob, "What is the difference between a list and a tuple in Python?");
    await ask(tokens.bob, "When is the project deadline?");
    const similar = await graphql(a, `query($id: ID!, $t: String!) { similarQuestions(courseId: $id, text: $t) { id content } }`, { id: roomId, t: "difference between tuple and list" }, tokens.alice);
    expect(similar.data?.["similarQuestions"][0]).toMatchObject({ id: asked["id"] });
    expect(similar.data?.["similarQuestions"].some((m: { content: string }) => m.content.includes("deadline"))).toBe(false);
    expect(codes(await graphql(a, `query($id: ID!) { similarQuestions(courseId: $id, text: "list tuple") { id } }`, { id: roomId }, tokens.outsider))).toEqual(["FORBIDDEN"]);
  });
});
