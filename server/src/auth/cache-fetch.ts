import type { EntityManager } from "@mikro-orm/core";
import type { LRUCache } from "lru-cache";

/**
 * A cached read that survives a change made while it was in flight: forgetting an entry (a role
 * change, a logout) aborts the read, whose answer may predate the change, so it reads again
 * rather than fail the request.
 */
export async function fetchSurvivingForget<K extends NonNullable<unknown>, V extends NonNullable<unknown>>(
  cache: LRUCache<K, V, EntityManager>,
  key: K,
  context: EntityManager,
  fresh: boolean,
): Promise<V | undefined> {
  for (let attempt = 1; ; attempt++) {
    const status: LRUCache.Status<K, V, EntityManager> = {};
    try {
      return await cache.fetch(key, { context, forceRefresh: fresh, status });
    } catch (err) {
      // A read joined in flight reports nothing of its end (lru-cache fills in only the status of
      // the call that started it): if that read was aborted by a forget, this one fails with the
      // abort's reason, so it reads again too. A real failure still surfaces after three tries.
      if (!(status.fetchAborted || status.fetch === "inflight") || attempt >= 3) throw err;
    }
  }
}
