import { PubSubEngine } from "graphql-subscriptions";
import type { Cluster } from "ioredis";

/** A subscription that does not become live in this time fails rather than wait for the cluster. */
const SUBSCRIBE_TIMEOUT_MS = 3000;

interface Channel {
  listeners: Map<number, (payload: unknown) => void>;
  /** Settles once Redis confirmed the SSUBSCRIBE. */
  live: Promise<void>;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Redis 7 sharded pub/sub over an ioredis Cluster created with `shardedSubscribers: true`:
 * SPUBLISH goes to the shard that owns the channel's slot, SSUBSCRIBE to that shard's one
 * subscriber connection (ioredis keeps one per master and resubscribes after a failover).
 * One SSUBSCRIBE per channel however many listeners; payloads are JSON, parsed once.
 */
export class ShardedPubSub extends PubSubEngine {
  private readonly channels = new Map<string, Channel>();
  private readonly channelOf = new Map<number, string>();
  private nextId = 1;

  constructor(
    private readonly publisher: Cluster,
    private readonly subscriber: Cluster,
  ) {
    super();
    subscriber.on("smessage", (channel: string, message: string) => this.deliver(channel, message));
  }

  async publish(channel: string, payload: unknown): Promise<void> {
    await this.publisher.spublish(channel, JSON.stringify(payload));
  }

  /** Resolves once the channel is live on its shard. */
  async subscribe(channel: string, onMessage: (payload: unknown) => void): Promise<number> {
    let entry = this.channels.get(channel);
    if (!entry) entry = this.open(channel);
    const id = this.nextId++;
    entry.listeners.set(id, onMessage);
    this.channelOf.set(id, channel);
    try {
      await entry.live;
    } catch (err) {
      this.drop(id);
      throw err;
    }
    return id;
  }

  unsubscribe(id: number): void {
    this.drop(id);
  }

  private open(channel: string): Channel {
    const live = withTimeout(this.subscriber.ssubscribe(channel), SUBSCRIBE_TIMEOUT_MS, "subscribe").then(() => undefined);
    const entry: Channel = { listeners: new Map(), live };
    this.channels.set(channel, entry);
    live.catch(() => {
      // The client still lists the channel for resubscription: take it back out.
      if (this.channels.get(channel) === entry) this.close(channel);
    });
    return entry;
  }

  private drop(id: number): void {
    const channel = this.channelOf.get(id);
    if (channel === undefined) return;
    this.channelOf.delete(id);
    const entry = this.channels.get(channel);
    if (!entry) return;
    entry.listeners.delete(id);
    if (entry.listeners.size === 0) this.close(channel);
  }

  /** Sent on the same shard connection as the SSUBSCRIBE, so it is applied after it. */
  private close(channel: string): void {
    const entry = this.channels.get(channel);
    if (entry) for (const id of entry.listeners.keys()) this.channelOf.delete(id);
    this.channels.delete(channel);
    this.subscriber.sunsubscribe(channel).catch(() => undefined);
  }

  private deliver(channel: string, message: string): void {
    const entry = this.channels.get(channel);
    if (!entry || entry.listeners.size === 0) return;
    let payload: unknown;
    try {
      payload = JSON.parse(message);
    } catch {
      payload = message;
    }
    for (const listener of entry.listeners.values()) listener(payload);
  }
}
