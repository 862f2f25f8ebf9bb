import { describe, expect, it } from "vitest";
import { replayThenLive, type SequencedEvent as RoomEvent } from "./replay.js";
import { createInProcessRoomBus } from "./room-bus.js";
import { filterStream, offerDirect } from "./streams.js";

/** A room's stored events, standing in for the table the iterator reads gaps from. */
function room(count: number): RoomEvent[] {
  return Array.from({ length: count }, (_, i) => ({ id: i + 1, previousId: i === 0 ? null : i }));
}

async function take(iterator: AsyncIterableIterator<{ id: number }>, n: number): Promise<number[]> {
  const ids: number[] = [];
  while (ids.length < n) {
    const next = await iterator.next();
    if (next.done) break;
    ids.push(next.value.id);
  }
  await iterator.return?.();
  return ids;
}

describe("replayThenLive", () => {
  it("fills a gap from storage when events are published out of order, and skips the late duplicate", async () => {
    const bus = createInProcessRoomBus("test:");
    const stored = room(5);
    const visible = stored.slice(0, 2); // ids 1..2 exist when the subscription starts
    const iterator = replayThenLive<RoomEvent>({
      subscribe: (push) => bus.subscribe("events", 1, push),
      loadAfter: async (after, limit) => visible.filter((e) => e.id > after).slice(0, limit),
      latestId: async () => 2,
      after: null,
    });
    const first = iterator.next();
    await new Promise((r) => setTimeout(r, 10));
    visible.push(...stored.slice(2));
    // 4 arrives before 3 (two instances publishing in another order than they committed).
    await bus.publish("events", 1, stored[3]);
    await bus.publish("events", 1, stored[2]);
    await bus.publish("events", 1, stored[4]);
    const ids = [(await first).value.id, ...(await take(iterator, 2))];
    expect(ids).toEqual([3, 4, 5]);
  });

  it("replays the whole backlog after a cursor, page by page", async () => {
    const bus = createInProcessRoomBus("test:");
    const stored = room(7);
    const iterator = replayThenLive<RoomEvent>({
      subscribe: (push) => bus.subscribe("events", 1, push),
      loadAfter: async (after, limit) => stored.filter((e) => e.id > after).slice(0, limit),
      latestId: async () => 7,
      after: 2,
      pageSize: 2,
    });
    const backlog = await take(iterator, 5);
    expect(backlog).toEqual([3, 4, 5, 6, 7]);
  });

  it("ends an idle subscription at once when the client completes it, and unsubscribes", async () => {
    let subscribed = 0;
    const bus = createInProcessRoomBus("test:");
    let closed = false;
    const iterator = replayThenLive<RoomEvent>({
      subscribe: async (push) => {
        const unsubscribe = await bus.subscribe("events", 1, push);
        subscribed++;
        return () => {
          subscribed--;
          unsubscribe();
        };
      },
      loadAfter: async () => [],
      latestId: async () => 0,
      after: null,
      onClose: () => (closed = true),
    });
    const pending = iterator.next(); // waits for an event that never comes
    await new Promise((r) => setTimeout(r, 10));
    expect(subscribed).toBe(1);
    await iterator.return?.();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(subscribed).toBe(0);
    expect(closed).toBe(true);
  });

  it("hands caught-up live events to a direct consumer in order, and iterates what it declines or what follows a gap", async () => {
    const bus = createInProcessRoomBus("test:");
    const stored = room(6);
    const visible = stored.slice(0, 1);
    const iterator = replayThenLive<RoomEvent>({
      subscribe: (push) => bus.subscribe("events", 1, push),
      loadAfter: async (after, limit) => visible.filter((e) => e.id > after).slice(0, limit),
      latestId: async () => 1,
      after: null,
    });
    const direct: number[] = [];
    iterator[offerDirect]?.((event) => {
      if (event.id === 3) return false; // as a consumer that cannot render one synchronously
      direct.push(event.id);
      return true;
    });
    const iterated: number[] = [];
    const consuming = (async () => {
      for await (const event of iterator) iterated.push(event.id);
    })();
    await new Promise((r) => setTimeout(r, 10));
    visible.push(...stored.slice(1, 5));
    await bus.publish("events", 1, stored[1]); // 2: direct
    await bus.publish("events", 1, stored[2]); // 3: declined, iterated
    await bus.publish("events", 1, stored[4]); // 5 before 4: a gap, read from storage in order
    await new Promise((r) => setTimeout(r, 10));
    await bus.publish("events", 1, stored[3]); // the late 4: already handed on, dropped
    visible.push(stored[5]!);
    await bus.publish("events", 1, stored[5]); // 6: caught up again, direct
    await new Promise((r) => setTimeout(r, 10));
    await iterator.return?.();
    await consuming;
    expect(direct).toEqual([2, 6]);
    expect(iterated).toEqual([3, 4, 5]);
  });

  it("ends the stream with the error of a direct consumer that throws, and still reaches the room's other subscribers", async () => {
    const bus = createInProcessRoomBus("test:");
    const stored = room(2);
    const open = (consumer: (event: RoomEvent) => boolean) => {
      const iterator = replayThenLive<RoomEvent>({
        subscribe: (push) => bus.subscribe("events", 1, push),
        loadAfter: async () => [],
        latestId: async () => 0,
        after: null,
      });
      iterator[offerDirect]?.(consumer as (event: unknown) => boolean);
      return iterator;
    };
    const failing = open(() => {
      throw new Error("socket gone");
    });
    const reached: number[] = [];
    const healthy = open((event) => reached.push(event.id) > 0);
    const failed = failing.next();
    const waiting = healthy.next();
    await new Promise((r) => setTimeout(r, 10));
    await bus.publish("events", 1, stored[0]);
    await expect(failed).rejects.toThrow("socket gone");
    expect(reached).toEqual([1]);
    await healthy.return?.();
    await waiting;
  });

  it("ends the stream at the event it ends with, while replaying and when live, and hands on nothing after it", async () => {
    const bus = createInProcessRoomBus("test:");
    const stored = room(500);
    const endsAt = 300;
    const iterator = replayThenLive<RoomEvent>({
      subscribe: (push) => bus.subscribe("events", 1, push),
      loadAfter: async (after, limit) => stored.filter((e) => e.id > after).slice(0, limit),
      latestId: async () => 500,
      after: 0,
      pageSize: 50,
      endsWith: (event) => (event.id === endsAt ? new Error("removed") : null),
    });
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const event of iterator) seen.push(event.id);
      })(),
    ).rejects.toThrow("removed");
    expect(seen.at(-1)).toBe(endsAt - 1);

    // Live: the ending event arrives while a long replay is in progress; the replay stops.
    const slow = replayThenLive<RoomEvent>({
      subscribe: (push) => bus.subscribe("events", 2, push),
      loadAfter: async (after, limit) => {
        await new Promise((r) => setTimeout(r, 5));
        return stored.filter((e) => e.id > after && e.id < endsAt).slice(0, limit);
      },
      latestId: async () => 500,
      after: 0,
      pageSize: 10,
      endsWith: (event) => (event.id === endsAt ? new Error("removed") : null),
    });
    const got: number[] = [];
    const consuming = (async () => {
      for await (const event of slow) got.push(event.id);
    })();
    await new Promise((r) => setTimeout(r, 20));
    await bus.publish("events", 2, stored[endsAt - 1]);
    await expect(consuming).rejects.toThrow("removed");
    expect(got.length).toBeLessThan(endsAt - 1);
  });

  it("offers a filtered stream's direct consumer only what the filter keeps", async () => {
    const bus = createInProcessRoomBus("test:");
    const stored = room(4);
    const source = replayThenLive<RoomEvent>({
      subscribe: (push) => bus.subscribe("events", 1, push),
      loadAfter: async () => [],
      latestId: async () => 0,
      after: null,
    });
    const even = filterStream(source, (event): event is RoomEvent => event.id % 2 === 0);
    const direct: number[] = [];
    even[offerDirect]?.((event) => direct.push(event.id) > 0);
    const waiting = even.next();
    await new Promise((r) => setTimeout(r, 10));
    for (const event of stored) await bus.publish("events", 1, event);
    expect(direct).toEqual([2, 4]);
    await even.return?.();
    expect(await waiting).toEqual({ done: true, value: undefined });
  });
});
