import type { EntityManager, MikroORM } from "@mikro-orm/core";
import type { SqlEntityManager } from "@mikro-orm/knex";
import type { Logger } from "pino";
import type { DatabaseTarget } from "../config.js";
import { lockRoom } from "../db/room-lock.js";
import type { Metrics } from "../metrics.js";
import type { RoomBus } from "../realtime/room-bus.js";
import { type NewEvent, ROOM_TOPIC, type TimelineEvent } from "./events.js";
import { RoomEventRow } from "./room-event.entity.js";

/** How the messages of events are read inside their transaction (messages/ hands it over). */
export type Hydrate = (tx: EntityManager, messageIds: number[]) => Promise<Map<number, unknown>>;

export interface Change<T> {
  /** What the change did to the room, in order; appended after everything before them. */
  events: NewEvent[];
  result: T;
}

/**
 * The room's one order for every change but a send (sends are written in batches by the
 * message writer, into the same table): the change runs in a transaction under the room's
 * lock, its events are appended there, and once committed they are published — so ids become
 * visible in commit order, and a subscriber that misses one finds the gap from the next.
 */
export class TimelineWriter {
  private readonly observers: ((events: TimelineEvent[]) => void)[] = [];

  constructor(
    private readonly orm: MikroORM,
    private readonly database: DatabaseTarget["kind"],
    private readonly bus: RoomBus,
    private readonly hydrate: Hydrate,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
  ) {}

  async append<T>(courseId: number, change: (tx: EntityManager) => Promise<Change<T>>): Promise<{ result: T; events: TimelineEvent[] }> {
    const { result, events } = await this.orm.em.fork().transactional(async (tx) => {
      await lockRoom(tx, this.database, courseId);
      const done = await change(tx);
      return { result: done.result, events: await this.store(tx, courseId, done.events) };
    });
    for (const event of events) await this.publish(event);
    for (const observe of this.observers) observe(events);
    return { result, events };
  }

  /** Features that follow what is appended (a staff queue, say) without being part of the change. */
  observe(observer: (events: TimelineEvent[]) => void): void {
    this.observers.push(observer);
  }

  /** Appends events inside the caller's transaction (under the room's lock); the caller publishes them. */
  async store(tx: EntityManager, courseId: number, events: NewEvent[]): Promise<TimelineEvent[]> {
    if (events.length === 0) return [];
    const [row] = await (tx as SqlEntityManager).execute<{ latest: number | string | null }[]>("select max(id) as latest from room_events where course_id = ?", [courseId]);
    let previousId = row?.latest === null || row?.latest === undefined ? null : Number(row.latest);
    const at = new Date();
    const stored: TimelineEvent[] = [];
    for (const event of events) {
      const id = await tx.insert(RoomEventRow, {
        courseId,
        kind: event.kind,
        messageId: event.messageId ?? null,
        userId: event.userId ?? null,
        data: event.settings ? JSON.stringify(event.settings) : null,
        createdAt: at,
      });
      stored.push({
        id: Number(id),
        previousId,
        courseId,
        kind: event.kind,
        messageId: event.messageId ?? null,
        userId: event.userId ?? null,
        at: at.toISOString(),
        ...(event.settings ? { settings: event.settings } : {}),
      });
      previousId = Number(id);
    }
    const messageIds = stored.flatMap((e) => (e.messageId === null ? [] : [e.messageId]));
    if (messageIds.length > 0) {
      const messages = await this.hydrate(tx, messageIds);
      for (const event of stored) {
        const message = event.messageId === null ? undefined : messages.get(event.messageId);
        if (message !== undefined && event.kind !== "deleted") event.message = message;
      }
    }
    return stored;
  }

  /**
   * Stored already: history, replays and gap fills have it whatever happens here. A publish
   * that fails is published again once the bus's link is back.
   */
  async publish(event: TimelineEvent): Promise<void> {
    try {
      await this.bus.publish(ROOM_TOPIC, event.courseId, event, { retry: true });
    } catch (err) {
      this.metrics.publishFailures.inc();
      this.logger.warn({ err, courseId: event.courseId, eventId: event.id }, "publish failed; retried when the link is back");
    }
  }
}
