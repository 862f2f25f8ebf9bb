/**
 * A way around the iterator for a consumer that can take a value at once: the stream offers
 * each value to it first, where doing so keeps the order of what the iterator yields, and
 * yields only what it declines (returns false for). A room's live message then reaches a
 * caught-up subscriber's socket in the publishing call, with no promise or generator step per
 * subscriber.
 */
export const offerDirect = Symbol("offerDirect");
export type DirectConsumer<T> = (value: T) => boolean;
export interface DirectOffering<T> {
  [offerDirect]?: (consumer: DirectConsumer<T>) => void;
}

/**
 * Keeps the values `keep` accepts. return() goes straight to the source, so ending the
 * filtered stream ends the source at once (see replayThenLive). `ended`, when given, is called
 * when the stream ends: finished, failed or returned (possibly more than once).
 */
export function filterStream<T, U extends T>(
  source: AsyncIterableIterator<T> & DirectOffering<T>,
  keep: (value: T) => value is U,
  ended?: () => void,
): AsyncIterableIterator<U> & DirectOffering<U> {
  return new FilteredStream(source, keep, ended);
}

/**
 * A class, not an async function: an idle subscriber's next() is one pending promise
 * chained on the source's, rather than a suspended function. It tells of its end itself, so
 * that takes no stream of its own (each layer is a pending promise per idle subscriber).
 */
class FilteredStream<T, U extends T> implements AsyncIterableIterator<U>, DirectOffering<U> {
  constructor(
    private readonly source: AsyncIterableIterator<T> & DirectOffering<T>,
    private readonly keep: (value: T) => value is U,
    private readonly ended: (() => void) | undefined,
  ) {}

  /**
   * A method, not a closure per stream; offers nothing when the source does not. A value
   * filtered out is taken (and dropped), as next() would.
   */
  [offerDirect](consumer: DirectConsumer<U>): void {
    this.source[offerDirect]?.((value) => !this.keep(value) || consumer(value));
  }

  next(): Promise<IteratorResult<U>> {
    return this.source.next().then(this.kept, this.failed);
  }

  private readonly kept = (result: IteratorResult<T>): IteratorResult<U> | Promise<IteratorResult<U>> => {
    if (result.done) {
      this.ended?.();
      return result;
    }
    return this.keep(result.value) ? (result as IteratorResult<U>) : this.next();
  };

  private readonly failed = (err: unknown): never => {
    this.ended?.();
    throw err;
  };

  async return(): Promise<IteratorResult<U>> {
    this.ended?.();
    return ((await this.source.return?.()) ?? { done: true, value: undefined }) as IteratorResult<U>;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
