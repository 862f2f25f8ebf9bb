interface Waiting<I, O> {
  item: I;
  resolve: (result: O) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit's pattern for any database work: what arrives while a batch is being processed
 * waits for the next batch and shares it, so round trips per item fall as load rises. An idle
 * caller's item goes out at the next turn of the event loop (everything parsed in the same turn
 * joins it). `process` answers each item in order with its result or its own Error; if it
 * throws, every item of the batch fails with that error.
 */
export class Coalescer<I, O> {
  private readonly queue: Waiting<I, O>[] = [];
  private running = false;

  constructor(
    private readonly process: (items: I[]) => Promise<(O | Error)[]>,
    private readonly maxBatch = 256,
  ) {}

  run(item: I): Promise<O> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.running) {
        this.running = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      let results: (O | Error)[];
      try {
        results = await this.process(batch.map((w) => w.item));
      } catch (err) {
        results = batch.map(() => toError(err));
      }
      batch.forEach((waiting, i) => {
        const result = results[i];
        if (result instanceof Error) waiting.reject(result);
        else waiting.resolve(result as O);
      });
    }
    this.running = false;
  }
}

export function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
