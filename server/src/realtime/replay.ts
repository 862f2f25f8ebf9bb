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

interface StopSignal {
  requested: boolean;
  error: Error | null;
  wake: () => void;
  /** Set by offerDirect: takes a live event at once, or declines it. */
  direct: DirectConsumer<unknown> | null;
}

/**
 * Replay, then live, in one iterator: subscribe first and buffer, read the stored backlog and
 * yield it, then drain the buffer skipping ids already sent. A live event whose predecessor
 * was never seen (publish order between instances differs from commit order, or pub/sub
 * dropped one) makes it read the gap from the database, so nothing is skipped or repeated.
 * Deletions of messages already handed on are passed through in order; a revocation that
 * concerns the subscriber ends the stream with its error.
 *
 * return() — a client completing, a socket closing — ends it at once: a plain async
 * generator would queue return() behind a pending next(), and an idle room's subscription
 * would stay subscribed until its next message.
 */
export function replayThenLive<A extends SequencedEvent>(options: ReplayThenLiveOptions<A>): AsyncIterableIterator<A | DeletionEvent> & DirectOffering<A | DeletionEvent> {
  const stop: StopSignal = { requested: false, error: null, wake: () => {}, direct: null };
  const inner = run(options, stop);
  const iterator: AsyncIterableIterator<A | DeletionEvent> & DirectOffering<A | DeletionEvent> = {
    next: () => inner.next(),
    return: async () => {
      stop.requested = true;
      stop.wake();
      return inner.return(undefined);
    },
    throw: (err?: unknown) => inner.throw(err),
    [Symbol.asyncIterator]: () => iterator,
    [offerDirect]: (consumer) => (stop.direct = consumer as DirectConsumer<unknown>),
  };
  return iterator;
}

async function* run<A extends SequencedEvent>(options: ReplayThenLiveOptions<A>, stop: StopSignal): AsyncGenerator<A | DeletionEvent> {
  const pageSize = options.pageSize ?? 200;
  options.onOpen?.();
  let unsubscribe = () => {};
  try {
    yield* stream(options, stop, pageSize, (u) => (unsubscribe = u));
  } finally {
    unsubscribe();
    options.onClose?.();
  }
}

async function* stream<A extends SequencedEvent>(
  options: ReplayThenLiveOptions<A>,
  stop: StopSignal,
  pageSize: number,
  setUnsubscribe: (unsubscribe: () => void) => void,
): AsyncGenerator<A | DeletionEvent> {
  const buffer: StreamEvent<A>[] = [];
  const maxBuffered = options.maxBuffered ?? 1000;
  let lastSent = 0;
  // Deleted before we handed them on: a late live copy must not slip through.
  // (Made on first use: most subscriptions never meet one.)
  let deletedAhead: Set<number> | undefined;
  // True while the stream waits for events with nothing held: everything before has been
  // handed on and taken, so a next live event may go straight to a direct consumer.
  let idle = false;

  /** A live addition that follows what was last handed on, taken by the direct consumer. */
  const takenDirectly = (event: StreamEvent<A>): boolean => {
    if (!idle || !stop.direct || stop.requested || buffer.length > 0 || event.kind !== "added") return false;
    const id = Number(event.id);
    const previous = event.previousId === null ? 0 : Number(event.previousId);
    if (id <= lastSent || previous > lastSent || deletedAhead?.has(id)) return false;
    try {
      if (!stop.direct(event)) return false;
    } catch (err) {
      // Thrown in the publisher's loop, it would cut every later subscriber of the room off
      // this event: end this stream with it instead.
      stop.error = err instanceof Error ? err : new Error(String(err));
      stop.wake();
      return true;
    }
    lastSent = id;
    options.onYield?.(event, true);
    return true;
  };

  const unsubscribe = await options.subscribe((event) => {
    if (stop.error || takenDirectly(event)) return;
    if (buffer.length >= maxBuffered) {
      // Memory stays bounded: drop what is held and end the stream; the client resumes with `after`.
      buffer.length = 0;
      stop.error = options.overflowError?.() ?? new Error("subscriber too far behind");
    } else if (event.kind === "revoked") {
      const error = options.revocationError?.(event) ?? null;
      if (!error) return;
      stop.error = error;
    } else {
      buffer.push(event);
    }
    stop.wake();
  });
  setUnsubscribe(unsubscribe);
  {
    await options.afterSubscribe?.();
    lastSent = options.after ?? (await options.latestId());

    // Everything stored after lastSent, page by page; yields as it goes.
    async function* catchUp(gapFill: boolean): AsyncGenerator<A> {
      for (;;) {
        const page = await options.loadAfter(lastSent, pageSize);
        if (gapFill) options.onGapFill?.(page.length);
        for (const event of page) {
          lastSent = Number(event.id);
          options.onYield?.(event, false);
          yield event;
        }
        if (page.length < pageSize) return;
      }
    }

    if (options.after !== null) yield* catchUp(false);
    while (!stop.requested) {
      if (stop.error) throw stop.error;
      const event = buffer.shift();
      if (!event) {
        idle = true;
        await new Promise<void>((resolve) => (stop.wake = resolve));
        idle = false;
        continue;
      }
      if (event.kind === "revoked") continue;
      if (event.kind === "resync") {
        yield* catchUp(true);
        continue;
      }
      const id = Number(event.id);
      if (event.kind === "deleted") {
        if (id <= lastSent) yield event;
        else (deletedAhead ??= new Set()).add(id);
        continue;
      }
      if (id <= lastSent || deletedAhead?.has(id)) continue;
      const previous = event.previousId === null ? 0 : Number(event.previousId);
      if (previous > lastSent) {
        yield* catchUp(true);
        continue;
      }
      lastSent = id;
      options.onYield?.(event, true);
      yield event;
    }
  }
}
