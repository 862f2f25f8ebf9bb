export type ConnectionState = "connecting" | "live" | "reconnecting" | "offline";

export interface Connection {
  state: ConnectionState;
  /** Why it is not live, in words a user understands; null while live. */
  reason: string | null;
  /** Epoch ms of the next attempt while waiting between attempts. */
  retryAt: number | null;
}

/** What a WebSocket close code means for the user. */
export function closeReason(code: number | undefined): string {
  switch (code) {
    case 1001:
      return "The server is restarting.";
    case 1013:
      return "The server is temporarily unavailable.";
    case 4401:
      return "Renewing your session.";
    case 4429:
      return "Too many open windows: close a few.";
    case 1000:
    case undefined:
      return "The connection closed.";
    default:
      return "Cannot reach the server.";
  }
}

/**
 * The live connection as the user should see it: offline when the browser says so, whatever
 * the socket thinks; otherwise the socket's state, with the reason of its last close.
 * A tiny store React reads with useSyncExternalStore.
 */
export class ConnectionStatus {
  private socket: Omit<Connection, "retryAt"> = { state: "connecting", reason: "Connecting to the server…" };
  private retryAt: number | null = null;
  private online = typeof navigator === "undefined" ? true : navigator.onLine;
  private snapshot: Connection = this.compute();
  private listeners = new Set<() => void>();
  private wake: (() => void) | null = null;

  get = (): Connection => this.snapshot;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  connecting(reconnect: boolean): void {
    this.retryAt = null;
    this.socket = reconnect ? { state: "reconnecting", reason: this.socket.reason ?? "Reconnecting…" } : { state: "connecting", reason: "Connecting to the server…" };
    this.update();
  }

  connected(): void {
    this.retryAt = null;
    this.socket = { state: "live", reason: null };
    this.update();
  }

  closed(reconnect: boolean, code: number | undefined): void {
    this.socket = { state: reconnect ? "reconnecting" : "connecting", reason: closeReason(code) };
    this.update();
  }

  setOnline(online: boolean): void {
    this.online = online;
    this.update();
    if (online) this.retryNow();
  }

  /** Waits before the next attempt; `retryNow` (or coming back online) cuts the wait short. */
  wait(ms: number): Promise<void> {
    this.retryAt = Date.now() + ms;
    this.update();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.wake === done) this.wake = null;
        this.retryAt = null;
        this.update();
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  retryNow(): void {
    this.wake?.();
  }

  private compute(): Connection {
    if (!this.online) return { state: "offline", reason: "Your device is offline.", retryAt: null };
    return { ...this.socket, retryAt: this.retryAt };
  }

  private update(): void {
    const next = this.compute();
    const same = next.state === this.snapshot.state && next.reason === this.snapshot.reason && next.retryAt === this.snapshot.retryAt;
    if (same) return;
    this.snapshot = next;
    this.listeners.forEach((l) => l());
  }
}
