import type { EntityManager, MikroORM } from "@mikro-orm/core";
import type { SqlEntityManager } from "@mikro-orm/knex";
import { LRUCache } from "lru-cache";
import type { Logger } from "pino";
import type { RoomBus } from "../realtime/room-bus.js";
import { AuthChange } from "./auth-change.entity.js";

export interface AuthChangeNotice {
  id: number;
  userId: number;
  sessionId: string | null;
}

/** The bus topic (room 0) that tells other instances at once; the table is the record. */
const AUTH_TOPIC = "auth";
const AUTH_ROOM = 0;
/** Rows kept for instances that were away (a restart reads from the newest row anyway). */
const RETENTION_MS = 24 * 3600 * 1000;
const PRUNE_EVERY_MS = 10 * 60 * 1000;

/**
 * Who changed, for every instance: each change is a row written in the change's own
 * transaction, announced over the bus after the commit (immediate), and read back from the
 * table every `pollMs` (changes made while the bus was down, or by the manage command). A
 * change reaches listeners once, whichever way arrives first.
 */
export class AuthFeed {
  private readonly listeners = new Set<(change: AuthChangeNotice) => void>();
  private readonly seen = new LRUCache<number, true>({ max: 10_000 });
  private lastId = 0;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private polling = false;
  private lastPrune = 0;

  constructor(
    private readonly orm: MikroORM,
    private readonly logger: Logger,
    private readonly pollMs = 1000,
  ) {}

  on(listener: (change: AuthChangeNotice) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Adds the change's row to a unit of work the caller flushes (or a transaction it commits). */
  record(em: EntityManager, userId: number, sessionId: string | null = null): AuthChange {
    const row = em.create(AuthChange, { userId, sessionId, createdAt: new Date() });
    em.persist(row);
    return row;
  }

  /**
   * After the commit: applies it here at once and tells the other instances; resolves once the
   * bus has it (so the change's answer reaches the client after every instance could know).
   */
  async announce(row: AuthChange, bus: RoomBus | undefined): Promise<void> {
    const notice = { id: row.id, userId: row.userId, sessionId: row.sessionId };
    this.apply(notice);
    await bus?.publish(AUTH_TOPIC, AUTH_ROOM, notice).catch((err: unknown) => {
      this.logger.warn({ err: err instanceof Error ? err.message : err }, "auth change not published; other instances read it within a second");
    });
  }

  /** Starts following: changes from now on (older ones are already in what will be read). */
  async start(bus: RoomBus | undefined): Promise<void> {
    const [row] = await (this.orm.em.fork() as SqlEntityManager).execute<{ latest: number | string | null }[]>("select max(id) as latest from auth_changes");
    this.lastId = Number(row?.latest ?? 0);
    this.timer = setInterval(() => void this.poll(), this.pollMs);
    this.timer.unref();
    if (bus) {
      bus.subscribe<AuthChangeNotice>(AUTH_TOPIC, AUTH_ROOM, (notice) => this.apply(notice)).then(
        (stop) => (this.unsubscribe = stop),
        // The table still brings every change within a second.
        (err: unknown) => this.logger.warn({ err: err instanceof Error ? err.message : err }, "auth changes not followed over pub/sub"),
      );
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.unsubscribe?.();
  }

  /** Reads the rows added since the last read. */
  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const em = this.orm.em.fork() as SqlEntityManager;
      const rows = await em.execute<{ id: number | string; user_id: number | string; session_id: string | null }[]>(
        "select id, user_id, session_id from auth_changes where id > ? order by id limit 1000",
        [this.lastId],
      );
      for (const row of rows) {
        this.lastId = Math.max(this.lastId, Number(row.id));
        this.apply({ id: Number(row.id), userId: Number(row.user_id), sessionId: row.session_id });
      }
      if (Date.now() - this.lastPrune > PRUNE_EVERY_MS) {
        this.lastPrune = Date.now();
        await em.nativeDelete(AuthChange, { createdAt: { $lt: new Date(Date.now() - RETENTION_MS) } });
      }
    } catch (err) {
      // The database is away: cached users stay as they were until it is back.
      this.logger.debug({ err: err instanceof Error ? err.message : err }, "auth changes not read");
    } finally {
      this.polling = false;
    }
  }

  private apply(notice: AuthChangeNotice): void {
    if (this.seen.has(notice.id)) return;
    this.seen.set(notice.id, true);
    for (const listener of this.listeners) listener(notice);
  }
}
