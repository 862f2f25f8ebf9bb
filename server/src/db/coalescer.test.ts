import { describe, expect, it } from "vitest";
import { Coalescer } from "./coalescer.js";

describe("Coalescer", () => {
  it("sends what arrives in one turn as one batch, and what arrives during a batch as the next", async () => {
    const batches: number[][] = [];
    let release = () => {};
    const coalescer = new Coalescer<number, string>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await new Promise<void>((resolve) => (release = resolve));
      return items.map((n) => `#${n}`);
    });
    const first = [1, 2, 3].map((n) => coalescer.run(n));
    await new Promise((r) => setImmediate(r));
    const second = [4, 5].map((n) => coalescer.run(n)); // while the first batch is in flight
    await new Promise((r) => setTimeout(r, 10));
    expect(batches).toEqual([[1, 2, 3]]);
    release();
    expect(await Promise.all([...first, ...second])).toEqual(["#1", "#2", "#3", "#4", "#5"]);
    expect(batches).toEqual([[1, 2, 3], [4, 5]]);
  });

  it("fails only the items answered with an error, and every item when the batch throws", async () => {
    const perItem = new Coalescer<number, number>(async (items) => items.map((n) => (n % 2 ? new Error(`odd ${n}`) : n)));
    const results = await Promise.allSettled([1, 2].map((n) => perItem.run(n)));
    expect(results.map((r) => (r.status === "fulfilled" ? r.value : (r.reason as Error).message))).toEqual(["odd 1", 2]);

    const whole = new Coalescer<number, number>(async () => {
      throw new Error("database unavailable");
    });
    const failed = await Promise.allSettled([1, 2].map((n) => whole.run(n)));
    expect(failed.map((r) => r.status === "rejected" && (r.reason as Error).message)).toEqual(["database unavailable", "database unavailable"]);
  });
});
