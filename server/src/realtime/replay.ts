/** An event of a room, in the order the database gave it ids. */
export interface RoomEvent {
  id: string;
  /** The course's event just before this one; null for the first. */
  previousId: string | null;
}

export interface ReplayThenLiveOptions<T extends RoomEvent> {
  /** Starts the live subscription; resolves once it is active. */
  subscribe: (push: (event: T) => void) => Promise<() => void>;
  /** Stored events with id > afterId, oldest first, at most `limit`. */
  loadAfter: (afterId: number, limit: number) => Promise<T[]>;
  /** The newest stored id right now, for a subscription that starts without a cursor. */
  latestId: () => Promise<number>;
  /** Resume point; null: only what is sent from now on. */
  after: number | null;
  pageSize?: number;
  /** Called for each event handed on; `live` is false for replayed and gap-filled ones. */
  onYield?: (event: T, live: boolean) => void;
  /** Called with how many events a gap fill read from storage. */
  onGapFill?: (count: number) => void;
  /** Called once when the iterator ends, however it ends. */
  onClose?: () => void;
}

/**
 * Wraps the generator so that return() — a client completing, a socket closing — ends it at
 * once. A plain async generator queues return() behind a pending next(), so an idle room's
 * subscription would stay subscribed until its next message.
 */
export function replayThenLive<T extends RoomEvent>(options: ReplayThenLiveOptions<T>): AsyncIterableIterator<T> {
  const stop = { requested: false, wake: () => {} };
  const inner = run(options, stop);
  const iterator: AsyncIterableIterator<T> = {
    next: () => inner.next(),
    return: async () => {
      stop.requested = true;
      stop.wake();
      return inner.return(undefined);
    },
    throw: (err?: unknown) => inner.throw(err),
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

/**
 * Replay, then live, in one iterator: subscribe first and buffer, read the stored backlog and
 * yield it, then drain the buffer skipping ids already sent. A live event whose predecessor
 * was never seen (publish order between instances differs from commit order, or pub/sub
 * dropped one) makes it read the gap from the database, so nothing is skipped or repeated.
 */
async function* run<T extends RoomEvent>(options: ReplayThenLiveOptions<T>, stop: { requested: boolean; wake: () => void }): AsyncGenerator<T> {
  const pageSize = options.pageSize ?? 200;
  const buffer: T[] = [];
  const unsubscribe = await options.subscribe((event) => {
    buffer.push(event);
    stop.wake();
  });
  try {
    let lastSent = options.after ?? (await options.latestId());

    // Everything stored after lastSent, page by page; yields as it goes.
    async function* catchUp(gapFill: boolean): AsyncGenerator<T> {
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
      const event = buffer.shift();
      if (!event) {
        await new Promise<void>((resolve) => (stop.wake = resolve));
        continue;
      }
      const id = Number(event.id);
      if (id <= lastSent) continue;
      const previous = event.previousId === null ? 0 : Number(event.previousId);
      if (previous > lastSent) {
        yield* catchUp(true);
        continue;
      }
      lastSent = id;
      options.onYield?.(event, true);
      yield event;
    }
  } finally {
    unsubscribe();
    options.onClose?.();
  }
}
