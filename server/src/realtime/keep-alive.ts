/** A long-lived connection the keep-alive visits; its id spreads connections over the slices. */
export interface KeptAlive {
  readonly id: number;
}

/** How often a slice's turn comes at most: a round of 100,000 sockets is then 2,000 pings a turn. */
const SLICE_MS = 250;

/**
 * Visits every connection once per interval, a slice at a time: a connection whose id falls in
 * the turn's slice is visited on that turn, so each is visited exactly one interval after its
 * last visit. Visiting them all at once blocked the event loop for each socket's ping write
 * (443 ms every 12 s at 19,000 sockets, deliveries waiting behind it); a turn now writes a
 * fiftieth of them.
 */
export class KeepAlive<T extends KeptAlive> {
  readonly slices: number;
  private turn = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly connections: () => Iterable<T>,
    intervalMs: number,
    private readonly visit: (connection: T) => void,
  ) {
    this.slices = Math.max(1, Math.round(intervalMs / SLICE_MS));
    this.timer = setInterval(() => this.run(), intervalMs / this.slices);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private run(): void {
    const slice = this.turn++ % this.slices;
    // A walk over every connection costs nanoseconds each; the visits (a write each) are what count.
    for (const connection of this.connections()) if (connection.id % this.slices === slice) this.visit(connection);
  }
}
