import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Outbox, type OutboxEntry, type OutboxStorage } from "./outbox";
import { classifySendError, type ErrorAnswer } from "./send-failure";

class MemoryStorage implements OutboxStorage {
  readonly map = new Map<string, string>();
  getItem = (key: string) => this.map.get(key) ?? null;
  setItem = (key: string, value: string) => void this.map.set(key, value);
  removeItem = (key: string) => void this.map.delete(key);
}

const answer = (code: string, extensions: Record<string, unknown> = {}, message = "refused"): ErrorAnswer => ({ code, message, extensions: { code, ...extensions } });

/** A server the test answers by hand: each attempt waits for `reply`. */
function harness(storage = new MemoryStorage()) {
  const attempts: { entry: OutboxEntry; resolve(id: string): void; reject(error: ErrorAnswer | null): void }[] = [];
  const sent: { id: string; clientMessageId: string }[] = [];
  const dropped: string[] = [];
  let n = 0;
  const outbox = new Outbox<{ id: string }>({
    storage,
    key: "room",
    send: (entry) =>
      new Promise((resolve, reject) => attempts.push({ entry, resolve: (id) => resolve({ id }), reject })),
    classify: (error) => classifySendError(error as ErrorAnswer | null),
    sent: (message, entry) => sent.push({ id: message.id, clientMessageId: entry.clientMessageId }),
    dropped: (_entry, note) => dropped.push(note),
    changed: () => undefined,
    networkRetryMs: 1000,
    newId: () => `c${++n}`,
  });
  return { outbox, attempts, sent, dropped, storage };
}

const flush = () => vi.advanceTimersByTimeAsync(0);

describe("outbox", () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it("sends one at a time in the order written, and forgets a message once confirmed", async () => {
    const h = harness();
    h.outbox.add("one");
    h.outbox.add("two");
    expect(h.attempts.map((a) => a.entry.content)).toEqual(["one"]);
    h.attempts[0]!.resolve("10");
    await flush();
    expect(h.attempts.map((a) => a.entry.content)).toEqual(["one", "two"]);
    h.attempts[1]!.resolve("11");
    await flush();
    expect(h.sent).toEqual([
      { id: "10", clientMessageId: "c1" },
      { id: "11", clientMessageId: "c2" },
    ]);
    expect(h.outbox.entries).toEqual([]);
    expect(h.storage.map.size).toBe(0);
  });

  it("waits out a rate limit with the reason shown, then sends again by itself with the same clientMessageId", async () => {
    const h = harness();
    h.outbox.add("too fast");
    h.outbox.add("after it");
    h.attempts[0]!.reject(answer("RATE_LIMITED", { retryAfterSeconds: 3 }));
    await flush();
    const waiting = h.outbox.entries[0]!;
    expect(waiting.state).toBe("pending");
    expect(waiting.reason).toMatch(/too fast/);
    expect(waiting.retryAt).toBe(Date.now() + 3000);
    await vi.advanceTimersByTimeAsync(2999);
    expect(h.attempts).toHaveLength(1); // the queue holds: "after it" does not jump ahead
    await vi.advanceTimersByTimeAsync(1);
    expect(h.attempts.map((a) => a.entry.clientMessageId)).toEqual(["c1", "c1"]);
    h.attempts[1]!.resolve("20");
    await flush();
    expect(h.attempts[2]!.entry.content).toBe("after it");
  });

  it("holds a message lost to the network until the connection is back, and retries with backoff meanwhile", async () => {
    const h = harness();
    h.outbox.add("offline");
    h.attempts[0]!.reject(null);
    await flush();
    expect(h.outbox.entries[0]!.reason).toMatch(/waiting for the connection/);
    await vi.advanceTimersByTimeAsync(1000);
    expect(h.attempts).toHaveLength(2);
    h.attempts[1]!.reject(null);
    await flush();
    await vi.advanceTimersByTimeAsync(1999);
    expect(h.attempts).toHaveLength(2); // doubled
    h.outbox.resume(); // the socket connected again: no need to wait
    expect(h.attempts).toHaveLength(3);
    expect(h.attempts[2]!.entry.clientMessageId).toBe("c1");
  });

  it("marks a final refusal failed with its reason, goes on with the next, and sends it again on Retry", async () => {
    const h = harness();
    h.outbox.add("refused");
    h.outbox.add("next");
    h.attempts[0]!.reject(answer("FORBIDDEN", {}, "This room is in announcement-only mode: only the instructor and staff may post."));
    await flush();
    expect(h.outbox.entries[0]).toMatchObject({ state: "failed", reason: expect.stringMatching(/announcement-only/) });
    expect(h.attempts[1]!.entry.content).toBe("next");
    h.attempts[1]!.resolve("30");
    await flush();
    h.outbox.retry("c1");
    expect(h.attempts[2]!.entry).toMatchObject({ clientMessageId: "c1", content: "refused" });
    h.outbox.discard("c1");
    expect(h.outbox.entries).toEqual([]);
  });

  it("drops a retry whose original was deleted, with a note", async () => {
    const h = harness();
    h.outbox.add("deleted meanwhile");
    h.attempts[0]!.reject(answer("BAD_USER_INPUT", { reason: "MESSAGE_DELETED" }));
    await flush();
    expect(h.outbox.entries).toEqual([]);
    expect(h.dropped).toHaveLength(1);
    expect(h.dropped[0]).toMatch(/deleted/);
  });

  it("keeps unsent messages across a reload and sends them again with their ids", async () => {
    const storage = new MemoryStorage();
    const first = harness(storage);
    first.outbox.add("survives");
    first.outbox.add("refused one");
    first.attempts[0]!.reject(null);
    await flush();
    first.outbox.stop(); // the page goes away

    const second = harness(storage);
    expect(second.outbox.entries.map((e) => [e.content, e.clientMessageId, e.state])).toEqual([
      ["survives", "c1", "pending"],
      ["refused one", "c2", "pending"],
    ]);
    second.outbox.start();
    expect(second.attempts[0]!.entry.clientMessageId).toBe("c1");
  });

  it("ignores storage it cannot read", () => {
    const storage = new MemoryStorage();
    storage.setItem("room", "{not json");
    expect(harness(storage).outbox.entries).toEqual([]);
    storage.setItem("room", JSON.stringify([{ content: 1 }, null, "x"]));
    expect(harness(storage).outbox.entries).toEqual([]);
  });
});

describe("classifySendError", () => {
  it("tells waiting, network, final and dropped refusals apart", () => {
    expect(classifySendError(null).kind).toBe("network");
    expect(classifySendError(answer("RATE_LIMITED", { retryAfterSeconds: 2.2 }))).toMatchObject({ kind: "wait", seconds: 3 });
    expect(classifySendError(answer("INTERNAL_SERVER_ERROR", { reason: "SERVICE_UNAVAILABLE", retryable: true })).kind).toBe("network");
    expect(classifySendError(answer("BAD_USER_INPUT", { reason: "MESSAGE_DELETED" })).kind).toBe("deleted");
    expect(classifySendError(answer("BAD_USER_INPUT", {}, "A message cannot be empty."))).toMatchObject({ kind: "refused", reason: "Not sent: A message cannot be empty." });
    expect(classifySendError(answer("UNAUTHENTICATED")).kind).toBe("unauthenticated");
  });
});
