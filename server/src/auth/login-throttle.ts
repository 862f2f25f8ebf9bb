import { RateLimiterRes } from "rate-limiter-flexible";
import { RateLimitedError } from "../errors.js";
import { consumeOrRefuse, makeLimiter, type SharedStore } from "../messages/send-rate-limiter.js";

const WINDOW_SECONDS = 15 * 60;

/**
 * Password guessing: at most 10 failed logins per username and 50 attempts per address in 15
 * minutes (shared through Redis when configured). Refusals are RATE_LIMITED with the wait.
 * Renewing a token guesses nothing (it needs a valid token), so it is only bounded per user
 * against a client stuck in a loop: 60 renewals in 15 minutes, far above any real tab count.
 */
export class LoginThrottle {
  private readonly failuresPerUsername;
  private readonly attemptsPerAddress;
  private readonly renewalsPerUser;

  constructor(store?: SharedStore) {
    this.failuresPerUsername = makeLimiter("login-failures", 10, WINDOW_SECONDS, store);
    this.attemptsPerAddress = makeLimiter("login-attempts", 50, WINDOW_SECONDS, store);
    this.renewalsPerUser = makeLimiter("token-renewals", 60, WINDOW_SECONDS, store);
  }

  /** Before checking a password: counts the attempt and refuses a throttled username or address. */
  async admit(usernameKey: string, address: string | undefined): Promise<void> {
    if (address) await consumeOrRefuse(this.attemptsPerAddress, address);
    const failures = await this.failuresPerUsername.get(usernameKey);
    if (failures && failures.remainingPoints <= 0) {
      throw new RateLimitedError(Math.max(1, Math.ceil(failures.msBeforeNext / 1000)), "Too many failed logins: try again later.");
    }
  }

  admitRenewal(userId: number): Promise<void> {
    return consumeOrRefuse(this.renewalsPerUser, String(userId));
  }

  async failed(usernameKey: string): Promise<void> {
    await this.failuresPerUsername.penalty(usernameKey, 1).catch((err: unknown) => {
      if (!(err instanceof RateLimiterRes)) throw err;
    });
  }
}
