import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { KeepAlive } from "./keep-alive.js";

describe("KeepAlive", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("visits every connection once an interval, a small slice of them at a time, one interval after its last visit", () => {
    const connections = Array.from({ length: 10_000 }, (_, i) => ({ id: i + 1 }));
    const visits = new Map<number, number[]>();
    const perTurn: number[] = [];
    let turn = 0;
    const keepAlive = new KeepAlive(
      () => connections,
      12_000,
      (c) => {
        visits.set(c.id, [...(visits.get(c.id) ?? []), Date.now()]);
        perTurn[turn] = (perTurn[turn] ?? 0) + 1;
      },
    );
    const start = Date.now();
    for (let t = 0; t < 96; t++) {
      turn = t;
      vi.advanceTimersByTime(250);
    }
    keepAlive.stop();

    expect(keepAlive.slices).toBe(48);
    // Two whole intervals: each connection visited twice, exactly 12 s apart.
    expect(visits.size).toBe(10_000);
    for (const times of visits.values()) {
      expect(times).toHaveLength(2);
      expect(times[1]! - times[0]!).toBe(12_000);
      expect(times[0]! - start).toBeLessThanOrEqual(12_000);
    }
    // No turn takes much more than its share (10,000 / 48).
    expect(Math.max(...perTurn)).toBeLessThanOrEqual(Math.ceil(10_000 / 48));
    expect(perTurn.filter((n) => n > 0)).toHaveLength(96);
  });

  it("visits a connection that opens mid-round within one interval, and none once stopped", () => {
    const connections = [{ id: 1 }];
    const seen: number[] = [];
    const keepAlive = new KeepAlive(() => connections, 1_000, (c) => seen.push(c.id));
    vi.advanceTimersByTime(500);
    connections.push({ id: 2 });
    vi.advanceTimersByTime(1_000);
    expect(seen).toContain(2);
    const visits = seen.length;
    keepAlive.stop();
    vi.advanceTimersByTime(5_000);
    expect(seen).toHaveLength(visits);
  });

  it("with an interval shorter than a slice, visits all at once", () => {
    const seen: number[] = [];
    const keepAlive = new KeepAlive(() => [{ id: 1 }, { id: 2 }, { id: 3 }], 100, (c) => seen.push(c.id));
    vi.advanceTimersByTime(100);
    keepAlive.stop();
    expect(keepAlive.slices).toBe(1);
    expect(seen).toEqual([1, 2, 3]);
  });
});
