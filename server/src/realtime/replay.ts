import { type DirectConsumer, type DirectOffering, offerDirect } from "./streams.js";

/** A stored event of a room, in the order the database gave it ids. */
export interface SequencedEvent {
  kind: "added";
  id: string;
  /** The course's event just before this one; null for the first. */
  previousId: string | null;
}

/** An already sequenced event was taken back (a moderator deleted the message). */
export interface DeletionEvent {
  kind: "deleted";
  id: string;
}

/** Someone lost the room; the stream of that someone must end. */
export interface RevocationEvent {
  kind: "revoked";
  userId: string;
}

/** The bus may have dropped events (its link was re-established): read the gap from storage. */
export interface ResyncEvent {
  kind: "resync";
}

export type StreamEvent<A extends SequencedEvent> = A | DeletionEvent | RevocationEvent | ResyncEvent;

export interface ReplayThenLiveOptions<A extends SequencedEvent> {
  /** Starts the live subscription; resolves once it is active. Push a ResyncEvent after a possible loss. */
  subscribe: (push: (event: StreamEvent<A>) => void) => Promise<() => void>;
  /** Runs once the subscription is live, before anything is read; may throw to refuse. */
  afterSubscribe?: () => Promise<void>;
  /** Stored, not deleted events with id > afterId, oldest first, at most `limit`. */
  loadAfter: (afterId: number, limit: number) => Promise<A[]>;
  /** The newest stored id right now, for a subscription that starts without a cursor. */
  latestId: () => Promise<number>;
  /** Resume point; null: only what is sent from now on. */
  after: number | null;
  /** The error that ends this stream when a revocation concerns it, else null. */
  revocationError?: (event: RevocationEvent) => Error | null;
  pageSize?: number;
  /** Live events held for a subscriber that is not reading; past this the stream ends. */
  maxBuffered?: number;
  /** The error that ends a stream whose subscriber fell too far behind. */
  overflowError?: () => Error;
  /** Called for each addition handed on; `live` is false for replayed and gap-filled ones. */
  onYield?: (event: A, live: boolean) => void;
  /** Called with how many events a gap fill read from storage. */
  onGapFill?: (count: number) => void;
  /** Called when the stream starts (its first next()); onClose follows it, however it ends. */
  onOpen?: () => void;
  /** Called once when a started stream ends, however it ends. */
  onClose?: () => void;
}

type Out<A> = A | DeletionEvent;
const DONE: IteratorResult<never> = { done: true, value: undefined };
const noop = () => {};

/**
 * Replay, then live, in one iterator: subscribe first and buffer, read the stored backlog and
 * yield it, then drain the buffer skipping ids already sent. A live event whose predecessor
 * was never seen (publish order between instances differs from commit order, or pub/sub
 * dropped one) makes it read the gap from the database, so nothing is skipped or repeated.
 * Deletions of messages already handed on are passed through in order; a revocation that
 * concerns the subscriber ends the stream with its error.
 *
 * return() — a client completing, a socket closing — ends it at once, even while next() waits
 * for an event in an idle room. next() is called one at a time (for await).
 */
export function replayThenLive<A extends SequencedEvent>(options: ReplayThenLiveOptions<A>): AsyncIterableIterator<Out<A>> & DirectOffering<Out<A>> {
  return new ReplayStream(options);
}

/**
 * A hand-written state machine rather than async generators: an open subscription in an idle
 * room holds one pending promise, not three suspended generators with their register files.
 */
class ReplayStream<A extends SequencedEvent> implements AsyncIterableIterator<Out<A>>, DirectOffering<Out<A>> {
  private state: "new" | "open" | "closed" = "new";
  private readonly pageSize: number;
  private readonly buffer: StreamEvent<A>[] = [];
  private lastSent = 0;
  /** Deleted before we handed them on: a late live copy must not slip through (made on first use). */
  private deletedAhead: Set<number> | undefined;
  /** A read from storage still to hand on: a replay, or a gap fill. */
  private catchingUp: { gapFill: boolean } | null = null;
  private page: A[] | null = null;
  private pageIndex = 0;
  /** True while next() waits for events with nothing held: see takenDirectly. */
  private idle = false;
  private stopRequested = false;
  private error: Error | null = null;
  private wake: () => void = noop;
  private direct: DirectConsumer<Out<A>> | null = null;
  private unsubscribe: () => void = noop;
  /** A next() in progress, and, when return() waits for it, how to tell return() it ended. */
  private stepping = false;
  private stepEnd: { ended: Promise<void>; end: () => void } | null = null;

  constructor(private readonly options: ReplayThenLiveOptions<A>) {
    this.pageSize = options.pageSize ?? 200;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  [offerDirect](consumer: DirectConsumer<Out<A>>): void {
    this.direct = consumer;
  }

  async next(): Promise<IteratorResult<Out<A>>> {
    this.stepping = true;
    try {
      return await this.step();
    } catch (err) {
      this.close();
      throw err;
    } finally {
      this.stepping = false;
      this.stepEnd?.end();
      this.stepEnd = null;
    }
  }

  async return(): Promise<IteratorResult<Out<A>>> {
    this.stopRequested = true;
    this.wake();
    // A next() in progress winds down first (it sees the request at its next step).
    if (this.stepping) {
      if (!this.stepEnd) {
        let end = noop;
        const ended = new Promise<void>((resolve) => (end = resolve));
        this.stepEnd = { ended, end };
      }
      await this.stepEnd.ended;
    }
    return this.close();
  }

  async throw(err?: unknown): Promise<IteratorResult<Out<A>>> {
    this.close();
    throw err;
  }

  private close(): IteratorResult<Out<A>> {
    if (this.state === "open") {
      this.unsubscribe();
      this.options.onClose?.();
    }
    this.state = "closed";
    this.buffer.length = 0;
    this.page = null;
    return DONE;
  }

  private async open(): Promise<void> {
    this.state = "open";
    this.options.onOpen?.();
    this.unsubscribe = await this.options.subscribe((event) => this.receive(event));
    await this.options.afterSubscribe?.();
    this.lastSent = this.options.after ?? (await this.options.latestId());
    if (this.options.after !== null) this.catchingUp = { gapFill: false };
  }

  private async step(): Promise<IteratorResult<Out<A>>> {
    if (this.state === "closed") return DONE;
    if (this.state === "new") await this.open();
    for (;;) {
      if (this.stopRequested) return this.close();
      // Everything stored after lastSent, page by page.
      if (this.page) {
        const event = this.page[this.pageIndex++];
        if (event) {
          this.lastSent = Number(event.id);
          this.options.onYield?.(event, false);
          return { done: false, value: event };
        }
        if (this.page.length < this.pageSize) this.catchingUp = null;
        this.page = null;
        continue;
      }
      if (this.catchingUp) {
        this.page = await this.options.loadAfter(this.lastSent, this.pageSize);
        this.pageIndex = 0;
        if (this.catchingUp.gapFill) this.options.onGapFill?.(this.page.length);
        continue;
      }
      if (this.error) throw this.error;
      const event = this.buffer.shift();
      if (!event) {
        this.idle = true;
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.idle = false;
        continue;
      }
      if (event.kind === "revoked") continue;
      if (event.kind === "resync") {
        this.catchingUp = { gapFill: true };
        continue;
      }
      const id = Number(event.id);
      if (event.kind === "deleted") {
        if (id <= this.lastSent) return { done: false, value: event };
        (this.deletedAhead ??= new Set()).add(id);
        continue;
      }
      if (id <= this.lastSent || this.deletedAhead?.has(id)) continue;
      const previous = event.previousId === null ? 0 : Number(event.previousId);
      if (previous > this.lastSent) {
        this.catchingUp = { gapFill: true };
        continue;
      }
      this.lastSent = id;
      this.options.onYield?.(event, true);
      return { done: false, value: event };
    }
  }

  /** The live subscription's listener. */
  private receive(event: StreamEvent<A>): void {
    if (this.error || this.state === "closed" || this.takenDirectly(event)) return;
    if (this.buffer.length >= (this.options.maxBuffered ?? 1000)) {
      // Memory stays bounded: drop what is held and end the stream; the client resumes with `after`.
      this.buffer.length = 0;
      this.error = this.options.overflowError?.() ?? new Error("subscriber too far behind");
    } else if (event.kind === "revoked") {
      const error = this.options.revocationError?.(event) ?? null;
      if (!error) return;
      this.error = error;
    } else {
      this.buffer.push(event);
    }
    this.wake();
  }

  /**
   * A live addition that follows what was last handed on, taken by the direct consumer while
   * next() waits with nothing held: everything before it has been handed on and taken.
   */
  private takenDirectly(event: StreamEvent<A>): boolean {
    if (!this.idle || !this.direct || this.stopRequested || this.buffer.length > 0 || event.kind !== "added") return false;
    const id = Number(event.id);
    const previous = event.previousId === null ? 0 : Number(event.previousId);
    if (id <= this.lastSent || previous > this.lastSent || this.deletedAhead?.has(id)) return false;
    try {
      if (!this.direct(event)) return false;
    } catch (err) {
      // Thrown in the publisher's loop, it would cut every later subscriber of the room off
      // this event: end this stream with it instead.
      this.error = err instanceof Error ? err : new Error(String(err));
      this.wake();
      return true;
    }
    this.lastSent = id;
    this.options.onYield?.(event, true);
    return true;
  }
}
