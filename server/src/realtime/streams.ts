/**
 * Keeps the values `keep` accepts. return() goes straight to the source, so ending the
 * filtered stream ends the source at once (see replayThenLive).
 */
export function filterStream<T, U extends T>(source: AsyncIterableIterator<T>, keep: (value: T) => value is U): AsyncIterableIterator<U> {
  const iterator: AsyncIterableIterator<U> = {
    async next() {
      for (;;) {
        const result = await source.next();
        if (result.done || keep(result.value)) return result as IteratorResult<U>;
      }
    },
    return: async () => ((await source.return?.()) ?? { done: true, value: undefined }) as IteratorResult<U>,
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
