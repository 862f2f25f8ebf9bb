import { type DirectConsumer, type DirectOffering, offerDirect } from "./streams.js";

/** A stored event of a room, in the order the database gave it ids. */
export interface SequencedEvent {
  id: number;
  /** The room's event just before this one; null for the first. */
  previousId: number | null;
}

/** The bus may have dropped events (its link was re-established): read the gap from storage. */
export interface ResyncEvent {
  kind: "resync";
}
const isResync = (event: unknown): event is ResyncEvent => (event as { kind?: unknown }).kind === "resync";

export interface ReplayThenLiveOptions<E extends SequencedEvent> {
  /** Starts the live subscription; resolves once it is active. Push a ResyncEvent after a possible loss. */
  subscribe: (push: (event: E | ResyncEvent) => void) => Promise<() => void>;
  /** Runs once the subscription is live, before anything is read; may throw to refuse. */
  afterSubscribe?: () => Promise<void>;
  /** Stored events with id > afterId, oldest first, at most `limit` (fewer: there are no more). */
  loadAfter: (afterId: number, limit: number) => Promise<E[]>;
  /** The newest stored id right now, for a subscription that starts without a cursor. */
  latestId: () => Promise<number>;
  /** Resume point; null: only what is stored from now on. */
  after: number | null;
  /** The error that ends the stream at this event (the subscriber lost the room), else null. */
  endsWith?: (event: E) => Error | null;
  /**
   * Checks that the subscriber may still see the room; throws the error that ends the stream.
   * Run on every page read from storage before any of it is handed on (the read may hold
   * events stored after a removal whose own event is still on its way), and after `watch`
   * says something about the subscriber changed.
   */
  checkAccess?: () => Promise<void>;
  /** Calls back when the subscriber's access may have changed (a role, a session); returns the way to stop. */
  watch?: (onChange: () => void) => () => void;
  /** Between turns of a replay: waits while the client has not read what was sent, and lets others run. */
  pace?: () => Promise<void>;
  pageSize?: number;
  /** Live events held for a subscriber that is not reading; past this the stream ends. */
  maxBuffered?: number;
  /** The error that ends a stream whose subscriber fell too far behind. */
  overflowError?: () => Error;
  /** Called for each event handed on; `live` is false for replayed and gap-filled ones. */
  onYield?: (event: E, live: boolean) => void;
  /** Called with how many events a gap fill read from storage. */
  onGapFill?: (count: number) => void;
  /** Called when the stream starts (its first next()); onClose follows it, however it ends. */
  onOpen?: () => void;
  /** Called once when a started stream ends, however it ends. */
  onClose?: () => void;
}

const DONE: IteratorResult<never> = { done: true, value: undefined };
/** step() has nothing to hand on yet. */
const WAIT = Symbol("wait");
const noop = () => {};
/**
 * A replay hands on this many events, then paces itself (waits for the client, lets every
 * other request and socket have a turn): twenty replays at once must not hold the event loop
 * for more than a few milliseconds each.
 */
const EVENTS_PER_TURN = 16;

/**
 * Replay, then live, in one iterator: subscribe first, read the stored backlog after the
 * cursor and hand it on, then live events in order. A live event whose predecessor was never
 * seen (publish order between instances differs from commit order, or pub/sub dropped one)
 * makes it read the gap from the database, so nothing is skipped or repeated. An event the
 * subscriber's stream ends at (their removal) ends it at once, whether it is replaying,
 * waiting or live.
 *
 * return() — a client completing, a socket closing — ends it at once, even while next() waits
 * for an event in an idle room. next() is called one at a time (for await).
 */
export function replayThenLive<E extends SequencedEvent>(options: ReplayThenLiveOptions<E>): AsyncIterableIterator<E> & DirectOffering<E> {
  return new ReplayStream(options);
}

/**
 * A hand-written state machine rather than async generators: an open subscription in an idle
 * room holds one pending promise, not three suspended generators with their register files.
 */
class ReplayStream<E extends SequencedEvent> implements AsyncIterableIterator<E>, DirectOffering<E> {
  private state: "new" | "open" | "closed" = "new";
  private readonly pageSize: number;
  private readonly buffer: (E | ResyncEvent)[] = [];
  private lastSent = 0;
  /** A read from storage still to hand on: a replay, or a gap fill. */
  private catchingUp: { gapFill: boolean } | null = null;
  /**
   * A live event arrived while catching up. It is not held (it is stored, so a read covers
   * it): a busy room cannot fill memory during a long replay. A read that began after it
   * arrived includes it, so catching up ends only after a read during which none arrived.
   */
  private arrivedWhileReading = false;
  private page: E[] | null = null;
  private pageIndex = 0;
  private handedSinceTurn = 0;
  /** True while next() waits for events with nothing held: see takenDirectly. */
  private idle = false;
  private stopRequested = false;
  private error: Error | null = null;
  /** How to settle the promise next() returned, while it is pending. */
  private resolve: (result: IteratorResult<E>) => void = noop;
  private reject: (err: unknown) => void = noop;
  private direct: DirectConsumer<E> | null = null;
  private unsubscribe: () => void = noop;
  private unwatch: () => void = noop;
  /** Something about the subscriber changed: nothing more is handed on until checked again. */
  private accessStale = false;
  /** A next() in progress, and, when return() waits for it, how to tell return() it ended. */
  private stepping = false;
  private stepEnd: { ended: Promise<void>; end: () => void } | null = null;

  constructor(private readonly options: ReplayThenLiveOptions<E>) {
    this.pageSize = options.pageSize ?? 200;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  [offerDirect](consumer: DirectConsumer<E>): void {
    this.direct = consumer;
  }

  /**
   * Runs the state machine until it has a result. While it waits for an event with nothing
   * held (an idle room), all that is left is the pending promise returned here: no suspended
   * async function. An event, a change or return() runs it again from where it was (`wake`).
   */
  next(): Promise<IteratorResult<E>> {
    this.stepping = true;
    return new Promise<IteratorResult<E>>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
      this.drive();
    });
  }

  private drive(): void {
    this.step().then(this.stepped, this.failed);
  }

  private readonly stepped = (result: IteratorResult<E> | typeof WAIT): void => {
    // Waiting: step() marked it idle itself, so that an event arriving at once wakes it.
    if (result === WAIT) return;
    this.settle();
    const resolve = this.resolve;
    this.resolve = this.reject = noop;
    resolve(result);
  };

  private readonly failed = (err: unknown): void => {
    this.close();
    this.settle();
    const reject = this.reject;
    this.resolve = this.reject = noop;
    reject(err);
  };

  private settle(): void {
    this.stepping = false;
    this.stepEnd?.end();
    this.stepEnd = null;
  }

  /** Runs a waiting next() again: an event arrived, something changed, or return() was called. */
  private wake(): void {
    if (!this.idle) return;
    this.idle = false;
    this.drive();
  }

  async return(): Promise<IteratorResult<E>> {
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

  async throw(err?: unknown): Promise<IteratorResult<E>> {
    this.close();
    throw err;
  }

  private close(): IteratorResult<E> {
    if (this.state === "open") {
      this.unsubscribe();
      this.unwatch();
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
    this.unwatch =
      this.options.watch?.(() => {
        this.accessStale = true;
        this.wake();
      }) ?? noop;
    this.unsubscribe = await this.options.subscribe((event) => this.receive(event));
    await this.options.afterSubscribe?.();
    this.lastSent = this.options.after ?? (await this.options.latestId());
    if (this.options.after !== null) this.catchingUp = { gapFill: false };
  }

  /** Hands an event on, unless the subscriber's stream ends at it. */
  private hand(event: E, live: boolean): IteratorResult<E> {
    const ending = this.options.endsWith?.(event) ?? null;
    if (ending) throw ending;
    this.lastSent = event.id;
    this.options.onYield?.(event, live);
    return { done: false, value: event };
  }

  /** The next result, or WAIT: nothing to hand on until `wake` (all state is in fields, so it starts over). */
  private async step(): Promise<IteratorResult<E> | typeof WAIT> {
    if (this.state === "closed") return DONE;
    if (this.state === "new") await this.open();
    for (;;) {
      if (this.stopRequested) return this.close();
      if (this.error) throw this.error;
      if (this.accessStale) {
        this.accessStale = false;
        await this.options.checkAccess?.();
        continue;
      }
      // Everything stored after lastSent, page by page, a few events a turn.
      if (this.page) {
        if (this.handedSinceTurn >= EVENTS_PER_TURN) {
          this.handedSinceTurn = 0;
          await this.options.pace?.();
          continue;
        }
        const event = this.page[this.pageIndex++];
        if (event) {
          this.handedSinceTurn++;
          return this.hand(event, false);
        }
        if (this.page.length < this.pageSize && !this.arrivedWhileReading) this.catchingUp = null;
        this.page = null;
        continue;
      }
      if (this.catchingUp) {
        this.arrivedWhileReading = false;
        const page = await this.options.loadAfter(this.lastSent, this.pageSize);
        await this.options.checkAccess?.();
        this.page = page;
        this.pageIndex = 0;
        if (this.catchingUp.gapFill) this.options.onGapFill?.(page.length);
        continue;
      }
      const event = this.buffer.shift();
      if (!event) {
        this.idle = true;
        return WAIT;
      }
      if (isResync(event)) {
        this.catchingUp = { gapFill: true };
        continue;
      }
      if (event.id <= this.lastSent) continue;
      if ((event.previousId ?? 0) > this.lastSent) {
        this.catchingUp = { gapFill: true };
        continue;
      }
      return this.hand(event, true);
    }
  }

  /** The live subscription's listener. */
  private receive(event: E | ResyncEvent): void {
    if (this.error || this.state === "closed" || this.takenDirectly(event)) return;
    if (!isResync(event) && this.catchingUp) {
      this.arrivedWhileReading = true;
      // The end of the stream is not left for the read to find: it ends at once.
      this.error = this.options.endsWith?.(event) ?? null;
    } else if (this.buffer.length >= (this.options.maxBuffered ?? 1000)) {
      // Memory stays bounded: drop what is held and end the stream; the client resumes with `after`.
      this.buffer.length = 0;
      this.error = this.options.overflowError?.() ?? new Error("subscriber too far behind");
    } else {
      const ending = isResync(event) ? null : (this.options.endsWith?.(event) ?? null);
      if (ending) this.error = ending;
      else this.buffer.push(event);
    }
    this.wake();
  }

  /**
   * A live event that follows what was last handed on, taken by the direct consumer while
   * next() waits with nothing held: everything before it has been handed on and taken.
   */
  private takenDirectly(event: E | ResyncEvent): boolean {
    if (!this.idle || !this.direct || this.stopRequested || this.accessStale || this.buffer.length > 0 || isResync(event)) return false;
    if (event.id <= this.lastSent || (event.previousId ?? 0) > this.lastSent || this.options.endsWith?.(event)) return false;
    try {
      if (!this.direct(event)) return false;
    } catch (err) {
      // Thrown in the publisher's loop, it would cut every later subscriber of the room off
      // this event: end this stream with it instead.
      this.error = err instanceof Error ? err : new Error(String(err));
      this.wake();
      return true;
    }
    this.lastSent = event.id;
    this.options.onYield?.(event, true);
    return true;
  }
}
