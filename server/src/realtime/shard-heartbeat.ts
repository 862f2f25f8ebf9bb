import { type Cluster, Command } from "ioredis";
import type { ShardedPubSub } from "./sharded-pubsub.js";

/** The slot ioredis routes a channel to (CRC16 of its hash tag, as Redis computes it). */
export function slotOf(channel: string): number {
  return new Command("spublish", [channel]).getSlot();
}

/** A channel nobody publishes to, in the same slot as the shard's heartbeat. */
const probeChannel = (beat: { channel: string }) => `${beat.channel}:probe`;

/** Beyond this many candidate tags a master owns too few slots to find one: it goes unwatched. */
const MAX_TAG_SEARCH = 100_000;
const PROBE_TIMEOUT_MS = 3000;

interface Beat {
  channel: string;
  slot: number;
  /** Set once its SSUBSCRIBE is confirmed. */
  unsubscribe: (() => void) | null;
  subscribing: boolean;
  seen: number;
  /** Heartbeats the shard accepted since one last came back. */
  unseen: number;
}

/**
 * One heartbeat channel of this instance's own per master, in a slot that master owns: its
 * messages travel the same subscriber connection as that shard's rooms. A shard that accepts
 * heartbeats (its SPUBLISH succeeds) while none comes back for the deadline has a subscriber
 * link that is connected but not delivering. A shard that refuses them is down or failing
 * over: ioredis notices that by itself, so it is not judged.
 */
export class ShardHeartbeats {
  private readonly beats = new Map<string, Beat>();
  private nextTag = 0;

  constructor(
    private readonly base: string,
    private readonly publisher: Cluster,
    private readonly subscriber: Cluster,
    private readonly engine: ShardedPubSub,
    private readonly deadlineMs: number,
  ) {}

  /**
   * Sends one heartbeat per shard, and one command on each shard's subscriber connection (so
   * its socket timeout catches a connection that answers nothing); returns true when a
   * shard's link is connected and answering but not delivering.
   */
  beat(): boolean {
    const now = Date.now();
    for (const beat of this.perMaster().values()) {
      if (!beat.unsubscribe) {
        this.listen(beat);
        continue;
      }
      if (beat.unseen >= 2 && now - beat.seen > this.deadlineMs) return true;
      this.publisher.spublish(beat.channel, "1").then(
        () => beat.unseen++,
        () => undefined,
      );
      // ioredis exposes no shard connection: a throwaway subscription is routed to it.
      const probe = probeChannel(beat);
      this.subscriber.ssubscribe(probe).catch(() => undefined);
      this.subscriber.sunsubscribe(probe).catch(() => undefined);
    }
    return false;
  }

  /** After a reconnect: every shard gets a full deadline again. */
  restart(): void {
    for (const beat of this.beats.values()) {
      beat.seen = Date.now();
      beat.unseen = 0;
    }
  }

  /**
   * Subscribes a throwaway channel on every shard's subscriber connection and waits for
   * Redis to confirm it: ioredis sends its resubscriptions on the same connection first, so
   * once this answers, that shard's rooms are live again. Returns the masters that answered.
   */
  async probe(): Promise<{ live: Set<string>; failed: number }> {
    const shards = [...this.perMaster()];
    const results = await Promise.allSettled(
      shards.map(async ([, beat]) => {
        const probe = probeChannel(beat);
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            this.subscriber.ssubscribe(probe),
            new Promise((_, reject) => (timer = setTimeout(() => reject(new Error("probe timed out")), PROBE_TIMEOUT_MS))),
          ]);
        } finally {
          clearTimeout(timer);
          this.subscriber.sunsubscribe(probe).catch(() => undefined);
        }
      }),
    );
    const live = new Set(shards.filter((_, i) => results[i]!.status === "fulfilled").map(([master]) => master));
    return { live, failed: shards.length === 0 ? 1 : shards.length - live.size };
  }

  stop(): void {
    for (const beat of this.beats.values()) beat.unsubscribe?.();
    this.beats.clear();
  }

  private listen(beat: Beat): void {
    if (beat.subscribing) return;
    beat.subscribing = true;
    const onBeat = () => {
      beat.seen = Date.now();
      beat.unseen = 0;
    };
    this.engine.subscribe(beat.channel, onBeat).then(
      (id) => {
        beat.subscribing = false;
        if (!this.beats.has(beat.channel)) return this.engine.unsubscribe(id);
        beat.unsubscribe = () => this.engine.unsubscribe(id);
        onBeat();
      },
      () => (beat.subscribing = false),
    );
  }

  /** The beat of every current master, creating the missing ones and dropping duplicates. */
  private perMaster(): Map<string, Beat> {
    const slots = this.subscriber.slots;
    const masters = new Set<string>();
    for (const owners of slots) if (owners?.[0]) masters.add(owners[0]);
    const chosen = new Map<string, Beat>();
    for (const beat of [...this.beats.values()]) {
      const master = slots[beat.slot]?.[0];
      if (master && !chosen.has(master)) chosen.set(master, beat);
      else this.forget(beat);
    }
    while (chosen.size < masters.size && this.nextTag < MAX_TAG_SEARCH) {
      const channel = `${this.base}{hb${this.nextTag++}}`;
      const slot = slotOf(channel);
      const master = slots[slot]?.[0];
      if (!master || chosen.has(master)) continue;
      const beat: Beat = { channel, slot, unsubscribe: null, subscribing: false, seen: Date.now(), unseen: 0 };
      this.beats.set(channel, beat);
      chosen.set(master, beat);
    }
    return chosen;
  }

  private forget(beat: Beat): void {
    beat.unsubscribe?.();
    this.beats.delete(beat.channel);
  }
}
