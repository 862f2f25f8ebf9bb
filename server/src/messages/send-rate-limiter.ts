import type { RateLimiterMemory, RateLimiterRedis } from "rate-limiter-flexible";
import type { SendRateLimit } from "../config.js";
import { consumeOrRefuse, makeLimiter, refusal, type SharedStore } from "../rate-limits.js";

/** Refused keys remembered at most; expired ones are swept when it fills. */
const MAX_REMEMBERED_REFUSALS = 10_000;

/**
 * SEND_RATE_LIMIT per user per course. A key once refused stays refused until its window
 * ends (the count only grows until then), so this instance refuses it again by itself until
 * then, without a Redis round trip: a flood costs the shared store one command per window.
 */
export class SendRateLimiter {
  private readonly limiter;
  private readonly refusedUntil = new Map<string, number>();

  constructor(limit: SendRateLimit, store?: SharedStore) {
    this.limiter = makeLimiter("send-rate", limit.messages, limit.windowSeconds, store);
  }

  /** Counts one message; throws RATE_LIMITED with the seconds to wait when over the limit. */
  async consume(userId: number, courseId: number): Promise<void> {
    const key = `${userId}:${courseId}`;
    const until = this.refusedUntil.get(key);
    if (until !== undefined) {
      const left = until - Date.now();
      if (left > 0) throw refusal(left);
      this.refusedUntil.delete(key);
    }
    await consumeOrRefuse(this.limiter, key, (msBeforeNext) => this.remember(key, Date.now() + msBeforeNext));
  }

  private remember(key: string, until: number): void {
    if (this.refusedUntil.size >= MAX_REMEMBERED_REFUSALS) {
      const now = Date.now();
      for (const [k, t] of this.refusedUntil) if (t <= now) this.refusedUntil.delete(k);
      if (this.refusedUntil.size >= MAX_REMEMBERED_REFUSALS) return;
    }
    this.refusedUntil.set(key, until);
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
