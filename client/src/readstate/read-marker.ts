import { compareIds } from "../chat/message-order";

export interface ReadMarkerOptions {
  /** Sends the marker (markRead). */
  send(messageId: string): void;
  /** At most one send per this many ms; the newest id seen meanwhile goes with the next. */
  intervalMs?: number;
  now?: () => number;
  schedule?: (run: () => void, ms: number) => unknown;
  cancel?: (handle: unknown) => void;
}

/**
 * Decides when to tell the server what the reader has seen: only ids newer than the marker,
 * the first at once, then at most one every `intervalMs` with the newest seen meanwhile, so a
 * reader scrolling through a long history sends a few calls, not one per frame.
 */
export class ReadMarker {
  private marker: string | null;
  private pending: string | null = null;
  private lastSentAt = -Infinity;
  private timer: unknown = null;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private readonly schedule: (run: () => void, ms: number) => unknown;
  private readonly cancel: (handle: unknown) => void;

  constructor(
    marker: string | null,
    private readonly options: ReadMarkerOptions,
  ) {
    this.marker = marker;
    this.intervalMs = options.intervalMs ?? 500;
    this.now = options.now ?? (() => Date.now());
    this.schedule = options.schedule ?? ((run, ms) => setTimeout(run, ms));
    this.cancel = options.cancel ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
  }

  /** The marker as the server (or another device) says it is now: never moves it back here. */
  known(messageId: string | null): void {
    if (messageId && (!this.marker || compareIds(messageId, this.marker) > 0)) this.marker = messageId;
  }

  /** The newest message now seen. */
  seen(messageId: string): void {
    if (this.marker && compareIds(messageId, this.marker) <= 0) return;
    if (this.pending && compareIds(messageId, this.pending) <= 0) return;
    this.pending = messageId;
    if (this.timer !== null) return;
    const wait = this.lastSentAt + this.intervalMs - this.now();
    if (wait <= 0) this.flush();
    else this.timer = this.schedule(() => this.flush(), wait);
  }

  /** Sends what is pending now (and stops the timer). */
  flush(): void {
    if (this.timer !== null) this.cancel(this.timer);
    this.timer = null;
    const id = this.pending;
    this.pending = null;
    if (!id || (this.marker && compareIds(id, this.marker) <= 0)) return;
    this.marker = id;
    this.lastSentAt = this.now();
    this.options.send(id);
  }

  dispose(): void {
    if (this.timer !== null) this.cancel(this.timer);
    this.timer = null;
    this.pending = null;
  }
}
