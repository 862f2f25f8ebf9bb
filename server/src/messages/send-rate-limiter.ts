import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import type { SendRateLimit } from "../config.js";
import { RateLimitedError } from "../errors.js";

export interface SharedStore {
  client: Redis;
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

export async function consumeOrRefuse(limiter: RateLimiterMemory | RateLimiterRedis, key: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) {
      throw new RateLimitedError(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)));
    }
    throw rejection;
  }
}

/** SEND_RATE_LIMIT per user per course. */
export class SendRateLimiter {
  private readonly limiter;

  constructor(limit: SendRateLimit, store?: SharedStore) {
    this.limiter = makeLimiter("send-rate", limit.messages, limit.windowSeconds, store);
  }

  /** Counts one message; throws RATE_LIMITED with the seconds to wait when over the limit. */
  consume(userId: number, courseId: number): Promise<void> {
    return consumeOrRefuse(this.limiter, `${userId}:${courseId}`);
  }
}

/** A course's slow mode: one message per N seconds per student; N is set per course. */
export class SlowModeLimiter {
  private readonly byInterval = new Map<number, RateLimiterMemory | RateLimiterRedis>();

  constructor(private readonly store?: SharedStore) {}

  consume(userId: number, courseId: number, intervalSeconds: number): Promise<void> {
    let limiter = this.byInterval.get(intervalSeconds);
    if (!limiter) {
      limiter = makeLimiter(`slow-mode-${intervalSeconds}`, 1, intervalSeconds, this.store);
      this.byInterval.set(intervalSeconds, limiter);
    }
    return consumeOrRefuse(limiter, `${userId}:${courseId}`);
  }
}
