import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

/**
 * What `/metrics` exposes, in Prometheus format. Labels are bounded sets (transport, outcome),
 * never ids. One registry per app, so several apps in one process (tests) do not collide.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly openSockets = new Gauge({ name: "educa_chat_websockets_open", help: "Open WebSocket connections.", registers: [this.registry] });

  readonly activeSubscriptions = new Gauge({
    name: "educa_chat_subscriptions_active",
    help: "Live messageAdded subscriptions.",
    registers: [this.registry],
  });

  readonly readMarkerWrites = new Counter({
    name: "educa_chat_read_marker_writes_total",
    help: "Read marker writes: markRead positions gathered per member and room, and markUnread.",
    registers: [this.registry],
  });

  readonly messagesSent = new Counter({
    name: "educa_chat_messages_sent_total",
    help: "Messages stored by sendMessage.",
    registers: [this.registry],
  });

  /** Deliveries not yet added to messagesDelivered: see delivered(). */
  private readonly undelivered = { live: 0, replay: 0 };

  readonly messagesDelivered = new Counter({
    name: "educa_chat_messages_delivered_total",
    help: "Messages handed to subscribers (one per subscriber), live or replayed.",
    labelNames: ["source"] as const,
    registers: [this.registry],
    collect: () => this.flushDeliveries(),
  });

  readonly deliveryLatency = new Histogram({
    name: "educa_chat_delivery_latency_seconds",
    help: "From a message being stored (sentOn) to it being handed to a subscriber's socket, live deliveries only.",
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  /** The stored time of the event last delivered, parsed once for all its subscribers. */
  private lastDelivered: { storedAt: string; ms: number } = { storedAt: "", ms: 0 };

  /**
   * One event handed to one subscriber. It runs once per subscriber of every event (a room's
   * whole fan-out in one call), so the count is kept in a plain field and added to the counter
   * when it is read, and an event's stored time is parsed once, not once per subscriber.
   */
  delivered(live: boolean, storedAt: string): void {
    if (!live) {
      this.undelivered.replay++;
      return;
    }
    this.undelivered.live++;
    let last = this.lastDelivered;
    if (last.storedAt !== storedAt) this.lastDelivered = last = { storedAt, ms: Date.parse(storedAt) };
    this.deliveryLatency.observe(Math.max(0, Date.now() - last.ms) / 1000);
  }

  private flushDeliveries(): void {
    const { live, replay } = this.undelivered;
    if (live) this.messagesDelivered.inc({ source: "live" }, live);
    if (replay) this.messagesDelivered.inc({ source: "replay" }, replay);
    this.undelivered.live = this.undelivered.replay = 0;
  }

  readonly sendLatency = new Histogram({
    name: "educa_chat_send_latency_seconds",
    help: "sendMessage from validation to publish, successful sends only.",
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });

  readonly pubsubReconnects = new Counter({
    name: "educa_chat_pubsub_reconnects_total",
    help: "Redis pub/sub connection re-establishments.",
    registers: [this.registry],
  });

  readonly backfilled = new Counter({
    name: "educa_chat_backfilled_messages_total",
    help: "Messages read from the database to fill a gap in a live subscription.",
    registers: [this.registry],
  });

  readonly rateLimited = new Counter({
    name: "educa_chat_rate_limited_total",
    help: "Sends refused with RATE_LIMITED.",
    registers: [this.registry],
  });

  readonly publishFailures = new Counter({
    name: "educa_chat_publish_failures_total",
    help: "Stored messages whose publish failed (subscribers get them by gap fill or resume).",
    registers: [this.registry],
  });

  readonly questionFirstStaffAnswer = new Histogram({
    name: "educa_chat_question_first_staff_answer_seconds",
    help: "From a course question being asked to its first answer from the instructor or staff.",
    buckets: [30, 60, 300, 900, 1800, 3600, 3 * 3600, 12 * 3600, 24 * 3600, 3 * 24 * 3600],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: "educa_chat_" });
  }
}
