import { RateLimiterRes } from "rate-limiter-flexible";
import type { SendRateLimit } from "../config.js";
import { RateLimitedError } from "../errors.js";
import { consumeOrRefuse, makeLimiter, type SharedStore } from "../rate-limits.js";

const WINDOW_SECONDS = 15 * 60;
// Under 2^31 ms: the in-memory store times keys out with setTimeout.
const KNOWN_ADDRESS_SECONDS = 20 * 24 * 3600;

type Limiter = ReturnType<typeof makeLimiter>;

const waitSeconds = (res: RateLimiterRes) => Math.max(1, Math.ceil(res.msBeforeNext / 1000));
const loginRefusal = (res: RateLimiterRes) =>
  new RateLimitedError(waitSeconds(res), `Too many failed login attempts: try again in ${waitSeconds(res)} s.`);

/**
 * Password guessing, without handing anyone a way to lock a victim out. Only failures count:
 * 10 per account and address, 100 per address (any account), 50 per account from addresses
 * that never logged into it — an address that logged into the account within 20 days is not
 * held by that last limit, so strangers failing on purpose cannot shut its owner out. All in
 * 15-minute windows, shared through Redis when configured. Renewing a token guesses nothing
 * (it needs a valid token): only bounded per user against a client stuck in a loop.
 */
export class LoginThrottle {
  private readonly perAccountAndAddress: Limiter;
  private readonly perAddress: Limiter;
  private readonly perAccount: Limiter;
  private readonly knownAddresses: Limiter;
  private readonly renewalsPerUser: Limiter;
  private readonly registrationsPerAddress: Limiter | null;

  constructor(store?: SharedStore, registrations: SendRateLimit | null = { messages: 30, windowSeconds: 3600 }) {
    this.perAccountAndAddress = makeLimiter("login-failures-pair", 10, WINDOW_SECONDS, store);
    this.perAddress = makeLimiter("login-failures-address", 100, WINDOW_SECONDS, store);
    this.perAccount = makeLimiter("login-failures-account", 50, WINDOW_SECONDS, store);
    this.knownAddresses = makeLimiter("login-known-address", 1, KNOWN_ADDRESS_SECONDS, store);
    this.renewalsPerUser = makeLimiter("token-renewals", 60, WINDOW_SECONDS, store);
    this.registrationsPerAddress = registrations ? makeLimiter("registrations", registrations.messages, registrations.windowSeconds, store) : null;
  }

  /** Before checking a password: refuses while this account, address or pair has failed too often. */
  async admit(usernameKey: string, address: string): Promise<void> {
    const pair = `${usernameKey}|${address}`;
    const [forPair, forAddress, forAccount, known] = await Promise.all([
      this.perAccountAndAddress.get(pair),
      this.perAddress.get(address),
      this.perAccount.get(usernameKey),
      this.knownAddresses.get(pair),
    ]);
    for (const [res, points] of [[forPair, 10], [forAddress, 100], [known ? null : forAccount, 50]] as const) {
      if (res && res.consumedPoints >= points) throw loginRefusal(res);
    }
  }

  async failed(usernameKey: string, address: string): Promise<void> {
    const penalise = (limiter: Limiter, key: string) =>
      limiter.penalty(key, 1).catch((err: unknown) => {
        if (!(err instanceof RateLimiterRes)) throw err;
      });
    await Promise.all([
      penalise(this.perAccountAndAddress, `${usernameKey}|${address}`),
      penalise(this.perAddress, address),
      penalise(this.perAccount, usernameKey),
    ]);
  }

  /** A correct password: this pair's failures are forgiven and the address is known to the account. */
  async succeeded(usernameKey: string, address: string): Promise<void> {
    const pair = `${usernameKey}|${address}`;
    await Promise.all([this.perAccountAndAddress.delete(pair), this.knownAddresses.set(pair, 1, KNOWN_ADDRESS_SECONDS)]);
  }

  admitRenewal(userId: number): Promise<void> {
    return consumeOrRefuse(this.renewalsPerUser, String(userId));
  }

  /** REGISTER_RATE_LIMIT accounts per address: many accounts would multiply per-user limits. */
  async admitRegistration(address: string): Promise<void> {
    if (!this.registrationsPerAddress) return;
    try {
      await this.registrationsPerAddress.consume(address);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      throw new RateLimitedError(waitSeconds(rejection), `Too many accounts created from this address: try again in ${waitSeconds(rejection)} s.`);
    }
  }
}
