import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { PubSub, type PubSubEngine } from "graphql-subscriptions";
import { RedisPubSub } from "graphql-redis-subscriptions";
import { type Cluster, Redis, type RedisOptions } from "ioredis";
import type { Logger } from "pino";
import type { PubSub as TypeGraphqlPubSub } from "type-graphql";

/**
 * Per-room topics: channel `<prefix><topic>:<room id>`, so an instance only receives the rooms
 * its own subscribers are in; never a global topic filtered per subscriber. Payloads are
 * plain JSON.
 */
export interface RoomBus {
  /**
   * With `retry`, a payload whose publish fails is published again once the link is back,
   * unless a later publish to the same room got through first (subscribers find the gap from
   * that one): so a room that falls silent after a failed publish still gets it live.
   */
  publish(topic: string, roomId: number, payload: unknown, options?: { retry?: boolean }): Promise<void>;
  /**
   * Resolves once the subscription is live, so nothing published afterwards is missed.
   * `onResync` is called when the bus may have dropped messages (its link was re-established):
   * the subscriber should read what it missed from the database.
   */
  subscribe<T>(topic: string, roomId: number, onMessage: (payload: T) => void, onResync?: () => void): Promise<() => void>;
  ping(): Promise<void>;
  close(): Promise<void>;
  /** The Redis connection (or cluster client) for shared state (rate limits), when there is one. */
  readonly redis?: Redis | Cluster;
}

export const PUBLISH_TIMEOUT_MS = 2000;

/** `<prefix><topic>:<room id>`: one channel per room and topic. */
export type ChannelName = (prefix: string, topic: string, roomId: number) => string;
const plainChannelName: ChannelName = (prefix, topic, roomId) => `${prefix}${topic}:${roomId}`;

/**
 * graphql-redis-subscriptions rejects an internal promise nobody awaits when a SUBSCRIBE fails
 * (Redis down): an unhandled rejection. The caller gets the same error from subscribe(), so the
 * internal copy is silenced here.
 */
function quietPendingRejection(engine: PubSubEngine, channel: string): void {
  const pending = (engine as unknown as { subsPendingRefsMap?: Map<string, { pending?: Promise<unknown> }> }).subsPendingRefsMap;
  pending?.get(channel)?.pending?.catch(() => undefined);
}

export class EngineRoomBus implements RoomBus {
  private readonly resyncs = new Set<() => void>();
  /** Per channel, the newest payload published with `retry` that has not got through. */
  private readonly undelivered = new Map<string, unknown>();

  constructor(
    private readonly engine: PubSubEngine,
    private readonly channelPrefix: string,
    private readonly closeEngine: () => Promise<void>,
    private readonly pingEngine: () => Promise<void>,
    readonly redis?: Redis | Cluster,
    private readonly channelName: ChannelName = plainChannelName,
  ) {}

  private channel(topic: string, roomId: number): string {
    return this.channelName(this.channelPrefix, topic, roomId);
  }

  async publish(topic: string, roomId: number, payload: unknown, options?: { retry?: boolean }): Promise<void> {
    const channel = this.channel(topic, roomId);
    try {
      await this.publishNow(channel, payload);
      this.undelivered.delete(channel);
    } catch (err) {
      if (options?.retry) this.undelivered.set(channel, payload);
      throw err;
    }
  }

  /**
   * Publishes again what failed, oldest room first; stops at the first failure, unless
   * `eachRoom` (on a cluster, one room's shard being down says nothing about another's).
   */
  async retryUndelivered(eachRoom = false): Promise<number> {
    let published = 0;
    let failure: unknown = null;
    for (const [channel, payload] of [...this.undelivered]) {
      try {
        await this.publishNow(channel, payload);
      } catch (err) {
        if (!eachRoom) throw err;
        failure = err;
        continue;
      }
      if (this.undelivered.get(channel) === payload) this.undelivered.delete(channel);
      published++;
    }
    if (failure !== null && published === 0) throw failure;
    return published;
  }

  get undeliveredCount(): number {
    return this.undelivered.size;
  }

  private async publishNow(channel: string, payload: unknown): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("publish timed out")), PUBLISH_TIMEOUT_MS);
    });
    const published = this.engine.publish(channel, payload);
    published.catch(() => undefined); // a late failure after the timeout is already reported
    try {
      await Promise.race([published, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async subscribe<T>(topic: string, roomId: number, onMessage: (payload: T) => void, onResync?: () => void): Promise<() => void> {
    const channel = this.channel(topic, roomId);
    const subscribing = this.engine.subscribe(channel, onMessage, {});
    quietPendingRejection(this.engine, channel);
    const id = await subscribing;
    if (onResync) this.resyncs.add(onResync);
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      if (onResync) this.resyncs.delete(onResync);
      this.engine.unsubscribe(id);
    };
  }

  /** Every subscriber reads what it may have missed. */
  resyncAll(): void {
    for (const resync of this.resyncs) resync();
  }

  ping(): Promise<void> {
    return this.pingEngine();
  }

  close(): Promise<void> {
    return this.closeEngine();
  }
}

/** Single instance, no Redis: an in-process emitter. */
export function createInProcessRoomBus(prefix: string): RoomBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0); // a big room has thousands of listeners on one channel
  return new EngineRoomBus(new PubSub({ eventEmitter: emitter }), prefix, async () => {}, async () => {});
}

/** How often each instance checks that its own pub/sub link still delivers. */
export const HEARTBEAT_INTERVAL_MS = 2500;
/** Interval plus deadline: a link that connects but stops delivering is noticed within 15 s. */
export const HEARTBEAT_DEADLINE_MS = 10000;
/**
 * A link can die without a word (no error, no close): a connection that answers nothing for
 * this long after a command is dropped and re-established. The heartbeat sends a command on
 * both connections, so a dead one is found within HEARTBEAT_INTERVAL_MS plus this.
 */
export const SOCKET_TIMEOUT_MS = 3000;
/** Publishes and rate-limit counters fail after this rather than wait for a dead link. */
export const COMMAND_TIMEOUT_MS = 1000;

/**
 * Several instances: Redis pub/sub, with separate publisher and subscriber connections.
 * Messages published while the subscriber link is down are lost to pub/sub, so after every
 * reconnect each subscription reads the gap from the database. A heartbeat published to this
 * instance's own channel catches a link that stays connected but stops delivering.
 */
export function createRedisRoomBus(url: string, prefix: string, logger: Logger, onReconnect: () => void = () => {}): RoomBus {
  const options: RedisOptions = {
    maxRetriesPerRequest: 2,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    connectionName: "educa-chat",
    socketTimeout: SOCKET_TIMEOUT_MS,
  };
  const publisher = new Redis(url, { ...options, commandTimeout: COMMAND_TIMEOUT_MS });
  // Without the CLIENT SETINFO handshake: ioredis 5.8+ may send it, and its ready check, after a
  // SUBSCRIBE queued while connecting, and Redis refuses them in subscriber mode (the link then
  // drops and resyncs at every start). ioredis issue #2037.
  const subscriber = new Redis(url, { ...options, disableClientInfo: true });
  for (const [name, client] of [["publisher", publisher], ["subscriber", subscriber]] as const) {
    client.on("error", (err: Error) => logger.warn({ err: err.message, connection: name }, "redis error"));
    client.on("reconnecting", () => logger.info({ connection: name }, "redis reconnecting"));
  }
  const engine = new RedisPubSub({ publisher, subscriber });
  let closed = false;
  let everReady = false;
  let heartbeatSeen = Date.now();
  const heartbeatChannel = `${prefix}heartbeat:${randomUUID()}`;
  const bus = new EngineRoomBus(
    engine,
    prefix,
    async () => {
      closed = true;
      clearInterval(heartbeat);
      await Promise.allSettled([publisher.quit(), subscriber.quit()]);
    },
    async () => {
      await Promise.all([publisher.ping(), subscriber.ping()]);
    },
    publisher,
  );
  let heartbeatSubscribed = false;
  let retrying = false;
  const subscribeHeartbeat = () => {
    if (heartbeatSubscribed || closed) return;
    const subscribing = engine.subscribe(heartbeatChannel, () => (heartbeatSeen = Date.now()), {});
    quietPendingRejection(engine, heartbeatChannel);
    subscribing.then(
      () => (heartbeatSubscribed = true),
      (err: unknown) => logger.warn({ err: err instanceof Error ? err.message : err }, "heartbeat subscription failed; retried when redis is back"),
    );
  };
  subscriber.on("ready", () => {
    if (everReady) {
      logger.info("redis subscriber link re-established: reading missed messages from the database");
      onReconnect();
      bus.resyncAll();
    }
    everReady = true;
    heartbeatSeen = Date.now();
    subscribeHeartbeat();
  });
  subscribeHeartbeat();
  const heartbeat = setInterval(() => {
    if (closed) return;
    if (heartbeatSubscribed && subscriber.status === "ready" && Date.now() - heartbeatSeen > HEARTBEAT_DEADLINE_MS) {
      logger.warn("redis pub/sub link stopped delivering: reconnecting");
      heartbeatSeen = Date.now();
      subscriber.disconnect(true);
      return;
    }
    publisher.publish(heartbeatChannel, "1").catch(() => undefined);
    if (bus.undeliveredCount > 0 && publisher.status === "ready" && !retrying) {
      retrying = true;
      bus
        .retryUndelivered()
        .then((count) => logger.info({ count }, "republished events whose publish had failed"))
        .catch(() => undefined)
        .finally(() => (retrying = false));
    }
    // Only to have the subscriber connection answer something: if it cannot, socketTimeout
    // drops it and the reconnect resyncs every subscription.
    if (subscriber.status === "ready") subscriber.ping().catch(() => undefined);
  }, HEARTBEAT_INTERVAL_MS);
  heartbeat.unref();
  return bus;
}

/**
 * type-graphql's PubSub over a RoomBus: `publish(topic, roomId, payload)` and
 * `@Subscription({ topics, topicId })` map onto the same per-room channels.
 */
export function toTypeGraphqlPubSub(bus: RoomBus): TypeGraphqlPubSub {
  return {
    publish(topic: string, ...args: unknown[]) {
      void bus.publish(topic, Number(args[0]), args[1]);
    },
    subscribe(topic: string, roomId?: unknown): AsyncIterable<unknown> {
      return {
        async *[Symbol.asyncIterator]() {
          const queue: unknown[] = [];
          let wake: (() => void) | null = null;
          const unsubscribe = await bus.subscribe(topic, Number(roomId), (payload) => {
            queue.push(payload);
            wake?.();
          });
          try {
            for (;;) {
              if (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
              while (queue.length > 0) yield queue.shift();
            }
          } finally {
            unsubscribe();
          }
        },
      };
    },
  };
}
