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
}

/**
 * Replay, then live, in one iterator: subscribe first and buffer, read the stored backlog and
 * yield it, then drain the buffer skipping ids already sent. A live event whose predecessor
 * was never seen (publish order between instances differs from commit order, or pub/sub
 * dropped one) makes it read the gap from the database, so nothing is skipped or repeated.
 */
export async function* replayThenLive<T extends RoomEvent>(options: ReplayThenLiveOptions<T>): AsyncGenerator<T> {
  const pageSize = options.pageSize ?? 200;
  const buffer: T[] = [];
  let wake: (() => void) | null = null;
  const unsubscribe = await options.subscribe((event) => {
    buffer.push(event);
    wake?.();
  });
  try {
    let lastSent = options.after ?? (await options.latestId());

    // Everything stored after lastSent, page by page; yields as it goes.
    async function* catchUp(): AsyncGenerator<T> {
      for (;;) {
        const page = await options.loadAfter(lastSent, pageSize);
        for (const event of page) {
          lastSent = Number(event.id);
          yield event;
        }
        if (page.length < pageSize) return;
      }
    }

    if (options.after !== null) yield* catchUp();
    for (;;) {
      const event = buffer.shift();
      if (!event) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
        continue;
      }
      const id = Number(event.id);
      if (id <= lastSent) continue;
      const previous = event.previousId === null ? 0 : Number(event.previousId);
      if (previous > lastSent) {
        yield* catchUp();
        continue;
      }
      lastSent = id;
      yield event;
    }
  } finally {
    unsubscribe();
  }
}
