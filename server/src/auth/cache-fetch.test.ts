import type { EntityManager } from "@mikro-orm/core";
import { LRUCache } from "lru-cache";
import { describe, expect, it } from "vitest";
import { fetchSurvivingForget } from "./cache-fetch.js";

const em = {} as EntityManager;

describe("fetchSurvivingForget", () => {
  it("reads again, for the caller that started the read and for one that joined it, when a forget aborts it", async () => {
    let reads = 0;
    let release: (() => void) | undefined;
    const cache = new LRUCache<number, { read: number }, EntityManager>({
      max: 10,
      fetchMethod: async () => {
        const read = ++reads;
        // The first read waits until the test forgets the key; later ones answer at once.
        if (read === 1) await new Promise<void>((resolve) => (release = resolve));
        return { read };
      },
    });
    const started = fetchSurvivingForget(cache, 1, em, false);
    const joined = fetchSurvivingForget(cache, 1, em, false);
    await Promise.resolve();
    cache.delete(1);
    release?.();
    const answers = await Promise.all([started, joined]);
    expect(answers.map((a) => a?.read)).toEqual([expect.any(Number), expect.any(Number)]);
    expect(answers.every((a) => a!.read > 1)).toBe(true);
  });

  it("still fails when the read itself fails", async () => {
    const cache = new LRUCache<number, { read: number }, EntityManager>({
      max: 10,
      fetchMethod: async () => {
        throw new Error("database down");
      },
    });
    await expect(Promise.all([fetchSurvivingForget(cache, 1, em, false), fetchSurvivingForget(cache, 1, em, false)])).rejects.toThrow("database down");
  });
});
