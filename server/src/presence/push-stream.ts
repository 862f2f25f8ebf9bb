/** At most this many values wait for a slow reader; ephemeral ones, so the oldest are dropped (but those it must keep). */
const MAX_WAITING = 100;

/**
 * A stream fed by callbacks (pub/sub, timers): `start` wires them and answers how to unwire.
 * Ending it (the client's complete, a closed socket) unwires at once, even while nothing comes,
 * unlike an async generator, whose return() waits for the pending next().
 * `keep` names values never dropped to make room: an opening snapshot the rest build on.
 */
export async function pushStream<T>(
  start: (push: (value: T) => void, fail: (err: Error) => void) => Promise<() => void>,
  keep: (value: T) => boolean = () => false,
): Promise<AsyncIterableIterator<T>> {
  const waiting: T[] = [];
  let wake: (() => void) | null = null;
  let failure: Error | null = null;
  let closed = false;
  let stop: (() => void) | null = null;
  const end = () => {
    if (closed) return;
    closed = true;
    stop?.();
    wake?.();
  };
  stop = await start(
    (value) => {
      if (closed) return;
      waiting.push(value);
      if (waiting.length > MAX_WAITING) {
        const oldest = waiting.findIndex((v) => !keep(v));
        if (oldest >= 0) waiting.splice(oldest, 1);
      }
      wake?.();
    },
    (err) => {
      if (closed || failure) return;
      failure = err;
      wake?.();
    },
  );
  if (closed) stop();
  const iterator: AsyncIterableIterator<T> = {
    async next() {
      for (;;) {
        if (waiting.length > 0) return { done: false, value: waiting.shift()! };
        if (failure) {
          const err = failure;
          end();
          throw err;
        }
        if (closed) return { done: true, value: undefined };
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
      }
    },
    async return() {
      end();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
