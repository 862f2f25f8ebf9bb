import { randomUUID } from "node:crypto";
import { Cluster, type ClusterOptions } from "ioredis";
import type { Logger } from "pino";
import type { RedisNode } from "../config.js";
import {
  type ChannelName,
  COMMAND_TIMEOUT_MS,
  EngineRoomBus,
  HEARTBEAT_DEADLINE_MS,
  HEARTBEAT_INTERVAL_MS,
  type RoomBus,
  SOCKET_TIMEOUT_MS,
} from "./room-bus.js";
import { ShardHeartbeats } from "./shard-heartbeat.js";
import { ShardedPubSub } from "./sharded-pubsub.js";

/**
 * `<prefix><topic>:{<room id>}`: the hash tag is the room id alone, so a room's topics share
 * one slot (one shard, one subscriber connection, the order between them kept), and rooms
 * spread over the 16384 slots, hence the shards, by CRC16 of their id (docs/decisions/0004).
 */
export const clusterChannelName: ChannelName = (prefix, topic, roomId) => `${prefix}${topic}:{${roomId}}`;

/**
 * Events after which a shard's subscriber connection may have missed messages ("nodeError":
 * for one, Redis telling a connection its slot moved away, which ioredis only reports).
 */
const LOSS_EVENTS = ["-subscriber", "-node", "close", "reconnecting", "nodeError"] as const;
const SLOTS_REFRESH_MS = 5000;

/** Which master serves each slot, compactly: changes when a slot moves or a master fails over. */
function slotOwners(cluster: Cluster): string {
  let owners = "";
  let last: string | undefined;
  cluster.slots.forEach((nodes, slot) => {
    if (nodes?.[0] !== last) owners += `${slot}=${(last = nodes?.[0])};`;
  });
  return owners;
}

/**
 * Several instances on a Redis Cluster: sharded pub/sub, so a room's messages go to the one
 * shard that owns its channel and adding shards adds capacity (classic PUBLISH would go to
 * every node). Two cluster clients, as on one Redis: a publisher (also the rate limits' store)
 * that fails fast, and a subscriber with one connection per master. Whenever a shard's
 * subscriber connection was replaced (failover, reconnect), every subscription reads what it
 * may have missed from the database once the new connection is live; a heartbeat per shard
 * catches a connection that stays open but stops delivering.
 */
export function createClusterRoomBus(nodes: RedisNode[], prefix: string, logger: Logger, onReconnect: () => void = () => {}): RoomBus {
  const common: ClusterOptions = { clusterRetryStrategy: (attempt) => Math.min(attempt * 200, 2000) };
  const redisOptions = { connectionName: "educa-chat", socketTimeout: SOCKET_TIMEOUT_MS };
  // No offline queue: while the cluster is not ready a publish or a rate-limit count fails at
  // once (the limiter falls back to memory, the publish is retried) instead of waiting.
  const publisher = new Cluster(nodes, { ...common, enableOfflineQueue: false, redisOptions: { ...redisOptions, commandTimeout: COMMAND_TIMEOUT_MS } });
  // The slot map is read again every few seconds: a slot moved to another master (resharding)
  // is followed by resubscribing its rooms there, not only when a connection breaks.
  // disableClientInfo: see createRedisRoomBus (a SSUBSCRIBE racing the connection handshake).
  const subscriber = new Cluster(nodes, {
    ...common,
    shardedSubscribers: true,
    slotsRefreshInterval: SLOTS_REFRESH_MS,
    redisOptions: { ...redisOptions, disableClientInfo: true },
  });
  for (const [name, client] of [["publisher", publisher], ["subscriber", subscriber]] as const) {
    client.on("error", (err: Error) => logger.warn({ err: err.message, connection: name }, "redis cluster error"));
    client.on("node error", (err: Error, node: string) => logger.warn({ err: err.message, connection: name, node }, "redis cluster node error"));
    client.on("nodeError", (err: Error, node: string) => logger.warn({ err: err.message, connection: name, node }, "redis cluster shard subscriber error"));
    client.on("reconnecting", () => logger.info({ connection: name }, "redis cluster reconnecting"));
  }

  const engine = new ShardedPubSub(publisher, subscriber);
  const heartbeats = new ShardHeartbeats(`${prefix}heartbeat:${randomUUID()}:`, publisher, subscriber, engine, HEARTBEAT_DEADLINE_MS);
  let closed = false;
  const bus = new EngineRoomBus(
    engine,
    prefix,
    async () => {
      closed = true;
      clearInterval(timer);
      heartbeats.stop();
      await Promise.allSettled([publisher.quit(), subscriber.quit()]);
    },
    async () => {
      await Promise.all([publisher.ping(), subscriber.ping()]);
    },
    publisher,
    clusterChannelName,
  );

  let lossPossible = false;
  for (const event of LOSS_EVENTS) subscriber.on(event, () => (lossPossible = true));
  // While some shard is still down after a loss: the shards already live and read back.
  let partial: Set<string> | null = null;
  let resyncing = false;
  const resync = async () => {
    if (resyncing || closed) return;
    resyncing = true;
    try {
      while ((lossPossible || partial) && !closed) {
        const known = lossPossible ? new Set<string>() : (partial ?? new Set<string>());
        lossPossible = false;
        const { live, failed } = await heartbeats.probe();
        // Every subscription reads back once per shard coming back, not on every retry.
        if ([...live].some((shard) => !known.has(shard))) {
          logger.info({ shards: live.size, notYet: failed }, "redis cluster subscriber links re-established: reading missed messages from the database");
          onReconnect();
          bus.resyncAll();
        }
        partial = failed > 0 ? new Set([...known, ...live]) : null;
        // A shard still down: probed again at the next event or heartbeat.
        if (partial && !lossPossible) break;
      }
    } finally {
      resyncing = false;
    }
  };
  // ioredis resubscribes after a topology change too, with nothing lost to tell us: a slot
  // that moved lost what was published to it meanwhile.
  let owners = "";
  subscriber.on("subscribersReady", () => {
    const now = slotOwners(subscriber);
    if (owners !== "" && now !== owners) lossPossible = true;
    if (!now.includes("=undefined")) owners = now;
    void resync();
  });

  let retrying = false;
  const timer = setInterval(() => {
    if (closed || subscriber.status !== "ready") return;
    if (lossPossible || partial) void resync();
    if (publisher.status === "ready" && heartbeats.beat()) {
      logger.warn("a redis cluster shard stopped delivering to this instance: reconnecting");
      lossPossible = true;
      heartbeats.restart();
      subscriber.disconnect(true);
      return;
    }
    if (bus.undeliveredCount > 0 && publisher.status === "ready" && !retrying) {
      retrying = true;
      bus
        .retryUndelivered(true)
        .then((count) => logger.info({ count }, "republished events whose publish had failed"))
        .catch(() => undefined)
        .finally(() => (retrying = false));
    }
  }, HEARTBEAT_INTERVAL_MS);
  timer.unref();
  return bus;
}
