import type { Cluster, Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { RateLimitedError } from "./errors.js";

/**
 * Where limits keep their counts when several instances share them. Every limiter command
 * names one key (`<prefix><limiter>:<key>`), so on a Redis Cluster the keys need no hash tag:
 * each goes to its own slot and the counters spread over the shards.
 */
export interface SharedStore {
  client: Redis | Cluster;
  prefix: string;
}

/**
 * A limiter in Redis when there is one (every instance shares the count), else in memory.
 * Should Redis fail, an in-memory limiter stands in rather than letting floods through.
 */
export function makeLimiter(name: string, points: number, durationSeconds: number, store?: SharedStore) {
  const options = { points, duration: Math.max(1, Math.round(durationSeconds)) };
  const memory = new RateLimiterMemory({ ...options, keyPrefix: name });
  return store
    ? new RateLimiterRedis({ ...options, storeClient: store.client, keyPrefix: `${store.prefix}${name}`, insuranceLimiter: memory })
    : memory;
}

export const refusal = (msBeforeNext: number) => new RateLimitedError(Math.max(1, Math.ceil(msBeforeNext / 1000)));

export async function consumeOrRefuse(
  limiter: RateLimiterMemory | RateLimiterRedis,
  key: string,
  onRefused?: (msBeforeNext: number) => void,
): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) {
      onRefused?.(rejection.msBeforeNext);
      throw refusal(rejection.msBeforeNext);
    }
    throw rejection;
  }
}

