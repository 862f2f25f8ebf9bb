import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import type { SendRateLimit } from "../config.js";
import { RateLimitedError } from "../errors.js";

/**
 * SEND_RATE_LIMIT per user per course. With Redis the count is shared by every instance;
 * should Redis fail, an in-memory limiter stands in rather than letting floods through.
 */
export class SendRateLimiter {
  private readonly limiter: RateLimiterMemory | RateLimiterRedis;

  constructor(limit: SendRateLimit, redis?: { client: Redis; prefix: string }) {
    const options = { points: limit.messages, duration: Math.max(1, Math.round(limit.windowSeconds)) };
    const memory = new RateLimiterMemory({ ...options, keyPrefix: "send" });
    this.limiter = redis
      ? new RateLimiterRedis({
          ...options,
          storeClient: redis.client,
          keyPrefix: `${redis.prefix}send-rate`,
          insuranceLimiter: memory,
        })
      : memory;
  }

  /** Counts one message; throws RATE_LIMITED with the seconds to wait when over the limit. */
  async consume(userId: number, courseId: number): Promise<void> {
    try {
      await this.limiter.consume(`${userId}:${courseId}`);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        throw new RateLimitedError(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)));
      }
      throw rejection;
    }
  }
}
