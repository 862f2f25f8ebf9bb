import { errorCode } from "../errors";
import type { Session } from "./session";

/** Renew once this share of a token's lifetime has passed. */
const RENEW_AT = 0.75;
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A token's `iat` and `exp` claims (seconds); null when it cannot be read. */
export function tokenClaims(token: string): { iat: number; exp: number } | null {
  try {
    const part = token.split(".")[1] ?? "";
    const claims = JSON.parse(atob(part.replace(/-/g, "+").replace(/_/g, "/"))) as { iat?: unknown; exp?: unknown };
    return typeof claims.iat === "number" && typeof claims.exp === "number" ? { iat: claims.iat, exp: claims.exp } : null;
  } catch {
    return null;
  }
}

/**
 * When to renew and when the token expires, in this browser's clock. The lifetime comes from
 * the token (exp − iat, both the server's clock); it starts when the token arrived, so a
 * skewed local clock does not matter. A token read back from storage starts at its `iat`.
 */
function lifetimeOf(token: string, receivedAt?: number): { renewAt: number; expiresAt: number } {
  const claims = tokenClaims(token);
  if (!claims) return { renewAt: Date.now(), expiresAt: Date.now() };
  const start = receivedAt ?? claims.iat * 1000;
  const ms = (claims.exp - claims.iat) * 1000;
  return { renewAt: start + ms * RENEW_AT, expiresAt: start + ms };
}

export interface TokenKeeperOptions {
  /** Exchanges the current token for a new one (refreshToken); rejects on failure. */
  renew(): Promise<Session>;
  /** A renewed session, to store where the next page load finds it. */
  renewed(session: Session): void;
  /** The stored session, which another tab may have renewed already. */
  stored(): Session | null;
}

/**
 * Keeps a session's token fresh: renews it at 75% of its lifetime, and when the tab becomes
 * visible again past that point (timers sleep in background tabs). A socket closed with 4401
 * when its old token expires can then reconnect at once with the new one.
 */
export class TokenKeeper {
  private session: Session;
  private lifetime: { renewAt: number; expiresAt: number };
  private timer: ReturnType<typeof setTimeout> | undefined;
  private renewing: Promise<string | null> | null = null;
  private stopped = false;

  constructor(
    session: Session,
    private readonly options: TokenKeeperOptions,
  ) {
    this.session = session;
    this.lifetime = lifetimeOf(session.token);
    document.addEventListener("visibilitychange", this.wake);
    window.addEventListener("focus", this.wake);
    this.schedule();
  }

  /** The newest token this tab holds. */
  get token(): string {
    return this.session.token;
  }

  /** The token to connect with: renewed first when due; null once the server refused to renew. */
  async current(): Promise<string | null> {
    this.adoptStored();
    return this.due() ? this.renew() : this.session.token;
  }

  /**
   * Renews now (one request however many callers ask at once). Resolves with the newest
   * token; null when the server refused (UNAUTHENTICATED: the session is over). A lost
   * request keeps the old token and tries again soon.
   */
  renew(): Promise<string | null> {
    this.renewing ??= this.options
      .renew()
      .then(
        (next) => {
          if (this.stopped) return null;
          this.session = next;
          this.lifetime = lifetimeOf(next.token, Date.now());
          this.options.renewed(next);
          this.schedule();
          return next.token;
        },
        (error: unknown) => {
          if (errorCode(error) === "UNAUTHENTICATED" || this.stopped) return null;
          this.schedule(Math.min(30_000, Math.max(1000, (this.lifetime.expiresAt - Date.now()) / 4)));
          return this.session.token;
        },
      )
      .finally(() => {
        this.renewing = null;
      });
    return this.renewing;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    document.removeEventListener("visibilitychange", this.wake);
    window.removeEventListener("focus", this.wake);
  }

  private due(): boolean {
    return Date.now() >= this.lifetime.renewAt;
  }

  private readonly wake = () => {
    if (document.visibilityState !== "visible" || this.stopped) return;
    this.adoptStored();
    if (this.due()) void this.renew();
  };

  /** Another tab of the same user may hold a later token: use it rather than renew again. */
  private adoptStored(): void {
    const stored = this.options.stored();
    if (!stored || stored.user.id !== this.session.user.id || stored.token === this.session.token) return;
    const theirs = tokenClaims(stored.token);
    const ours = tokenClaims(this.session.token);
    if (!theirs || (ours && theirs.exp <= ours.exp)) return;
    this.session = stored;
    this.lifetime = lifetimeOf(stored.token);
    this.schedule();
  }

  private schedule(delay = this.lifetime.renewAt - Date.now()): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.adoptStored();
      if (this.due()) void this.renew();
      else this.schedule();
    }, Math.min(Math.max(0, delay), MAX_TIMER_MS));
  }
}
