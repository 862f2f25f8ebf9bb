import type { Connection } from "./operations.js";

/** A long-lived connection whose deadlines the sweep keeps. */
export interface Swept {
  readonly connection: Pick<Connection<unknown>, "isOpen" | "until" | "end">;
  /** When the client must have sent its init by (ms); null once it has, or when it sends none. */
  initDeadline: number | null;
  /** The init did not come in time (WebSocket subprotocols: 4408). */
  initTimedOut(): void;
}

export const TokenExpired = { code: 4401, reason: "Token expired" } as const;

/**
 * One timer for the deadlines of every long-lived connection, whatever its transport: the
 * init that must come, and the moment its credentials stop counting (then the connection
 * ends with 4401, which each transport frames its own way). A timer per connection costs a
 * quarter of a kilobyte each.
 */
export class DeadlineSweep {
  private readonly entries = new Set<Swept>();
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs = 250) {
    this.timer = setInterval(() => this.sweep(Date.now()), intervalMs);
    this.timer.unref();
  }

  add(entry: Swept): void {
    this.entries.add(entry);
  }

  delete(entry: Swept): void {
    this.entries.delete(entry);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private sweep(now: number): void {
    for (const entry of this.entries) {
      if (entry.initDeadline !== null && entry.initDeadline <= now) {
        entry.initDeadline = null;
        entry.initTimedOut();
      } else if (entry.connection.isOpen && entry.connection.until <= now) {
        // A token that expires (or a session that ends) while the connection is open ends it.
        entry.connection.end(TokenExpired);
      }
    }
  }
}
