import type { Cluster, Redis } from "ioredis";

/**
 * Who is in which room, per instance: an entry (room, user, instance) lives until its expiry
 * unless the instance renews it, so the members of an instance that dies go offline on their
 * own. A user is present while any of their entries lives: several devices and instances
 * count once.
 */
export interface PresenceStore {
  /** This instance's entries, alive until `until` (ms since the epoch). */
  renew(entries: PresenceEntry[], until: number): Promise<void>;
  remove(entry: PresenceEntry): Promise<void>;
  /** Users with a live entry in the room, and whether each moderates it (so counts need no database read). */
  present(courseId: number, now: number): Promise<Map<number, boolean>>;
  /** Drops the room's expired entries; the users who had one and now have none. */
  sweep(courseId: number, now: number): Promise<number[]>;
}

export interface PresenceEntry {
  courseId: number;
  userId: number;
  /** Staff or the course's instructor. */
  moderator: boolean;
}

const userOf = (member: string): number => Number(member.slice(0, member.indexOf(":")));
const moderatorOf = (member: string): boolean => member.split(":")[1] === "m";

/**
 * One sorted set per room, `<prefix>presence:<course id>`, of `<user id>:<s|m>:<instance id>`
 * (student or moderator) scored by expiry. Every command names one key, so on a Redis Cluster rooms spread over the shards.
 */
export class RedisPresenceStore implements PresenceStore {
  constructor(
    private readonly client: Redis | Cluster,
    private readonly prefix: string,
    private readonly instanceId: string,
    /** The set itself expires this long after its last renewal, so rooms nobody is in leave nothing behind. */
    private readonly keyTtlMs: number,
  ) {}

  private key(courseId: number): string {
    return `${this.prefix}presence:${courseId}`;
  }

  private member(entry: PresenceEntry): string {
    return `${entry.userId}:${entry.moderator ? "m" : "s"}:${this.instanceId}`;
  }

  async renew(entries: PresenceEntry[], until: number): Promise<void> {
    const byRoom = new Map<number, PresenceEntry[]>();
    for (const entry of entries) byRoom.set(entry.courseId, [...(byRoom.get(entry.courseId) ?? []), entry]);
    await Promise.all(
      [...byRoom].map(async ([courseId, room]) => {
        const key = this.key(courseId);
        await this.client.zadd(key, ...room.flatMap((e) => [until, this.member(e)]));
        await this.client.pexpire(key, this.keyTtlMs);
      }),
    );
  }

  async remove(entry: PresenceEntry): Promise<void> {
    await this.client.zrem(this.key(entry.courseId), this.member(entry));
  }

  async present(courseId: number, now: number): Promise<Map<number, boolean>> {
    const members = await this.client.zrangebyscore(this.key(courseId), now, "+inf");
    return new Map(members.map((m) => [userOf(m), moderatorOf(m)]));
  }

  async sweep(courseId: number, now: number): Promise<number[]> {
    const key = this.key(courseId);
    const expired = await this.client.zrangebyscore(key, "-inf", `(${now}`);
    if (expired.length === 0) return [];
    await this.client.zremrangebyscore(key, "-inf", `(${now}`);
    const still = await this.present(courseId, now);
    return [...new Set(expired.map(userOf))].filter((u) => !still.has(u));
  }
}

/** Without Redis: one instance, the same rules in memory. */
export class MemoryPresenceStore implements PresenceStore {
  private readonly rooms = new Map<number, Map<number, { until: number; moderator: boolean }>>();

  async renew(entries: PresenceEntry[], until: number): Promise<void> {
    for (const { courseId, userId, moderator } of entries) {
      let room = this.rooms.get(courseId);
      if (!room) this.rooms.set(courseId, (room = new Map()));
      room.set(userId, { until, moderator });
    }
  }

  async remove(entry: PresenceEntry): Promise<void> {
    this.rooms.get(entry.courseId)?.delete(entry.userId);
  }

  async present(courseId: number, now: number): Promise<Map<number, boolean>> {
    // A plain loop: each join in a crowded room reads this.
    const present = new Map<number, boolean>();
    for (const [user, e] of this.rooms.get(courseId) ?? []) if (e.until >= now) present.set(user, e.moderator);
    return present;
  }

  async sweep(courseId: number, now: number): Promise<number[]> {
    const room = this.rooms.get(courseId);
    if (!room) return [];
    const gone = [...room].flatMap(([user, e]) => (e.until < now ? [user] : []));
    for (const user of gone) room.delete(user);
    if (room.size === 0) this.rooms.delete(courseId);
    return gone;
  }
}
