import type { SendFailure } from "./send-failure";

/** One message the user wrote that the server has not confirmed yet. */
export interface OutboxEntry {
  /** Sent with every attempt: the server stores the message once however often it is retried. */
  clientMessageId: string;
  content: string;
  /** The message it replies to (it joins that thread); absent for a plain message. */
  replyToId?: string | null;
  /** When the user wrote it (ISO 8601). */
  createdAt: string;
  /** pending: will be sent by itself; failed: refused, waits for the user's Retry. */
  state: "pending" | "failed";
  /** Why it is not sent yet, for the user; null while nothing went wrong. */
  reason: string | null;
  /** Epoch ms: sent again by itself at this moment (after a rate limit). */
  retryAt: number | null;
}

export interface OutboxStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface OutboxOptions<M> {
  /** Where entries survive a reload (per user and room); null keeps them in memory only. */
  storage: OutboxStorage | null;
  key: string;
  /** One attempt; resolves with the stored message, rejects with what classify() understands. */
  send(entry: OutboxEntry): Promise<M>;
  classify(error: unknown): SendFailure;
  sent(message: M, entry: OutboxEntry): void;
  /** An entry left the outbox unsent for good (its original was deleted): tell the user why. */
  dropped(entry: OutboxEntry, note: string): void;
  /** Entries changed: re-render. */
  changed(entries: readonly OutboxEntry[]): void;
  /** First retry delay while the network is down; doubled each time up to 30 s. */
  networkRetryMs?: number;
  newId?: () => string;
}

const MAX_NETWORK_RETRY_MS = 30_000;

/**
 * Messages are sent one at a time, in the order written, and never dropped without a word.
 * A refusal the user can do nothing about now (rate limit, lost connection) holds the queue
 * and it carries on by itself (after the wait, on reconnect); a final refusal marks only that
 * message failed, with its reason and a Retry, and the next one goes.
 */
export class Outbox<M> {
  private items: OutboxEntry[];
  private busy = false;
  private stopped = false;
  /** Set while the whole queue waits: for the network, or until a rate limit passes. */
  private hold: { until: number | null; network: boolean } | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private networkDelay: number;

  constructor(private readonly options: OutboxOptions<M>) {
    this.items = load(options.storage, options.key);
    this.networkDelay = options.networkRetryMs ?? 2000;
  }

  get entries(): readonly OutboxEntry[] {
    return this.items;
  }

  /** Queues a message and sends it when its turn comes. */
  add(content: string, now = Date.now(), replyToId: string | null = null): OutboxEntry {
    const entry: OutboxEntry = {
      clientMessageId: (this.options.newId ?? (() => crypto.randomUUID()))(),
      content,
      replyToId,
      createdAt: new Date(now).toISOString(),
      state: "pending",
      reason: null,
      retryAt: null,
    };
    this.items = [...this.items, entry];
    this.commit();
    this.pump();
    return entry;
  }

  /** The user's Retry: a failed message is sent again now (and a waiting queue tries now too). */
  retry(clientMessageId: string): void {
    this.update(clientMessageId, { state: "pending", reason: null, retryAt: null });
    this.release();
  }

  discard(clientMessageId: string): void {
    this.items = this.items.filter((e) => e.clientMessageId !== clientMessageId);
    this.commit();
  }

  /** The connection is back (socket connected, browser online): a queue waiting for it goes on. */
  resume(): void {
    if (this.hold?.network) this.release();
    else this.pump();
  }

  /** Starts sending what a previous page load left behind. */
  start(): void {
    this.pump();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private release(): void {
    this.hold = null;
    clearTimeout(this.timer);
    this.pump();
  }

  private pump(): void {
    if (this.busy || this.stopped || this.hold) return;
    const next = this.items.find((e) => e.state === "pending");
    if (!next) return;
    this.busy = true;
    this.options.send(next).then(
      (message) => {
        this.busy = false;
        if (this.stopped) return;
        this.networkDelay = this.options.networkRetryMs ?? 2000;
        this.items = this.items.filter((e) => e.clientMessageId !== next.clientMessageId);
        this.commit();
        this.options.sent(message, next);
        this.pump();
      },
      (error: unknown) => {
        this.busy = false;
        if (this.stopped) return;
        this.failed(next, this.options.classify(error));
        this.pump();
      },
    );
  }

  private failed(entry: OutboxEntry, failure: SendFailure): void {
    const id = entry.clientMessageId;
    switch (failure.kind) {
      case "network":
        this.update(id, { reason: failure.reason, retryAt: null });
        this.holdFor(this.networkDelay, true);
        this.networkDelay = Math.min(this.networkDelay * 2, MAX_NETWORK_RETRY_MS);
        return;
      case "wait": {
        const ms = failure.seconds * 1000;
        this.update(id, { reason: failure.reason, retryAt: Date.now() + ms });
        this.holdFor(ms, false);
        return;
      }
      case "unauthenticated":
        // Kept for after the next login; this page's session is over.
        this.update(id, { reason: failure.reason, retryAt: null });
        this.hold = { until: null, network: false };
        return;
      case "deleted":
        this.discard(id);
        this.options.dropped(entry, failure.reason);
        return;
      case "refused":
        this.update(id, { state: "failed", reason: failure.reason, retryAt: null });
        return;
    }
  }

  private holdFor(ms: number, network: boolean): void {
    clearTimeout(this.timer);
    this.hold = { until: Date.now() + ms, network };
    this.timer = setTimeout(() => this.release(), ms);
  }

  private update(clientMessageId: string, change: Partial<OutboxEntry>): void {
    this.items = this.items.map((e) => (e.clientMessageId === clientMessageId ? { ...e, ...change } : e));
    this.commit();
  }

  private commit(): void {
    save(this.options.storage, this.options.key, this.items);
    this.options.changed(this.items);
  }
}

function save(storage: OutboxStorage | null, key: string, entries: OutboxEntry[]): void {
  if (!storage) return;
  try {
    if (entries.length) storage.setItem(key, JSON.stringify(entries));
    else storage.removeItem(key);
  } catch {
    // Storage full or refused: the entries stay in memory for this page.
  }
}

function load(storage: OutboxStorage | null, key: string): OutboxEntry[] {
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(key) ?? "[]");
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(isEntry).map((e) => ({ ...e, retryAt: null, reason: e.state === "failed" ? e.reason : null }));
  } catch {
    return [];
  }
}

function isEntry(value: unknown): value is OutboxEntry {
  if (typeof value !== "object" || value === null) return false;
  const e = value as Record<string, unknown>;
  return typeof e["clientMessageId"] === "string" && typeof e["content"] === "string" && typeof e["createdAt"] === "string" && (e["state"] === "pending" || e["state"] === "failed");
}

/** Where a room's outbox lives in the browser's storage. */
export const outboxKey = (userId: string, courseId: string) => `educa-chat.outbox.${userId}.${courseId}`;
