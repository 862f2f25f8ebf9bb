import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { PubSub, type PubSubEngine } from "graphql-subscriptions";
import { RedisPubSub } from "graphql-redis-subscriptions";
import { Redis, type RedisOptions } from "ioredis";
import type { Logger } from "pino";
import type { PubSub as TypeGraphqlPubSub } from "type-graphql";

/**
 * Per-room topics: channel `<prefix><topic>:<room id>`, so an instance only receives the rooms
 * its own subscribers are in; never a global topic filtered per subscriber. Payloads are
 * plain JSON.
 */
export interface RoomBus {
  publish(topic: string, roomId: number, payload: unknown): Promise<void>;
  /**
   * Resolves once the subscription is live, so nothing published afterwards is missed.
   * `onResync` is called when the bus may have dropped messages (its link was re-established):
   * the subscriber should read what it missed from the database.
   */
  subscribe<T>(topic: string, roomId: number, onMessage: (payload: T) => void, onResync?: () => void): Promise<() => void>;
  ping(): Promise<void>;
  close(): Promise<void>;
  /** The Redis connection for shared state (rate limits), when there is one. */
  readonly redis?: Redis;
}

const PUBLISH_TIMEOUT_MS = 2000;

/**
 * graphql-redis-subscriptions rejects an internal promise nobody awaits when a SUBSCRIBE fails
 * (Redis down): an unhandled rejection. The caller gets the same error from subscribe(), so the
 * internal copy is silenced here.
 */
function quietPendingRejection(engine: PubSubEngine, channel: string): void {
  const pending = (engine as unknown as { subsPendingRefsMap?: Map<string, { pending?: Promise<unknown> }> }).subsPendingRefsMap;
  pending?.get(channel)?.pending?.catch(() => undefined);
}

class EngineRoomBus implements RoomBus {
  private readonly resyncs = new Set<() => void>();

  constructor(
    private readonly engine: PubSubEngine,
    private readonly channelPrefix: string,
    private readonly closeEngine: () => Promise<void>,
    private readonly pingEngine: () => Promise<void>,
    readonly redis?: Redis,
  ) {}

  private channel(topic: string, roomId: number): string {
    return `${this.channelPrefix}${topic}:${roomId}`;
  }

  async publish(topic: string, roomId: number, payload: unknown): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("publish timed out")), PUBLISH_TIMEOUT_MS);
    });
    const published = this.engine.publish(this.channel(topic, roomId), payload);
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
const HEARTBEAT_INTERVAL_MS = 5000;
const HEARTBEAT_DEADLINE_MS = 15000;

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
  };
  const publisher = new Redis(url, options);
  const subscriber = new Redis(url, options);
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
