import { compareIds } from "./message-order";

/** A message as the room shows it (history, live events and send results share this shape). */
export interface TimelineMessage {
  id: string;
  courseId: string;
  content: string;
  sentOn: string;
  user: { id: string; username: string; role?: string };
  /** Set on a reply: the first message of its thread. */
  threadRootId?: string | null;
}

/** What of a room event the timeline needs (see RoomEventKind in schema.graphql). */
export interface TimelineEvent<M extends TimelineMessage = TimelineMessage> {
  kind: string;
  messageId: string;
  message?: M | null;
}

/** What an event did to what is shown. */
export type EventEffect = "added" | "updated" | "deleted" | null;

/** A shown message, or the placeholder left where one was deleted while the room was open. */
export type TimelineItem<M extends TimelineMessage = TimelineMessage> = { kind: "message"; id: string; message: M } | { kind: "deleted"; id: string };

/**
 * What the room displays: history pages, live events and the user's own sends, merged by id
 * (each message once), in id order, with deletions. It knows nothing of the resume cursor:
 * what is displayed and where the stream resumes are kept apart (see cursor.ts).
 */
export class Timeline<M extends TimelineMessage = TimelineMessage> {
  private readonly items = new Map<string, TimelineItem<M>>();
  /** Deleted ids never come back, even if a late send result or a replay repeats them. */
  private readonly deleted = new Set<string>();
  /** Per message, how many stream events changed it: a mutation's answer older than one of them is stale. */
  private readonly revisions = new Map<string, number>();
  private sorted: TimelineItem<M>[] = [];

  /** Items in id order; a new array only when something changed. */
  get snapshot(): readonly TimelineItem<M>[] {
    return this.sorted;
  }

  /** The oldest id shown (deleted placeholders included): where to page back from. */
  get oldestId(): string | null {
    return this.sorted[0]?.id ?? null;
  }

  has(id: string): boolean {
    return this.items.has(id);
  }

  /**
   * Adds messages from history or a send result. One already shown is kept as it is: the
   * stream (see `applyLive`) is the later word on a message.
   */
  add(messages: readonly M[]): M[] {
    const added: M[] = [];
    for (const message of messages) {
      if (this.deleted.has(message.id) || this.items.has(message.id)) continue;
      this.items.set(message.id, { kind: "message", id: message.id, message });
      added.push(message);
    }
    if (added.length) this.resort();
    return added;
  }

  /** A message from the live stream: new, or the newer version of one shown. Returns whether it is new. */
  applyLive(message: M): boolean {
    if (this.deleted.has(message.id)) return false;
    const isNew = !this.items.has(message.id);
    this.items.set(message.id, { kind: "message", id: message.id, message });
    this.resort();
    return isNew;
  }

  /**
   * One event of the room's stream, in stream order. An addition shows a message (or its
   * newer version); every other change to a message (edited, reactions, thread summary, a
   * question's state...) replaces a shown one and never shows one that is not: a change to a
   * message older than the loaded history would open a hole in it, and paging back brings the
   * message as it is. Kinds without a message (settings) are not the timeline's business.
   */
  applyEvent(event: TimelineEvent<M>): EventEffect {
    this.revisions.set(event.messageId, this.revision(event.messageId) + 1);
    if (event.kind === "MessageDeleted") return this.markDeleted(event.messageId) ? "deleted" : null;
    const message = event.message;
    if (!message) return null;
    if (event.kind === "MessageAdded") return this.applyLive(message) ? "added" : "updated";
    return this.replace(message) ? "updated" : null;
  }

  /** How many stream events changed this message so far (see `applyResult`). */
  revision(id: string): number {
    return this.revisions.get(id) ?? 0;
  }

  /**
   * A mutation's answer (an edit, a reaction): shown at once, unless the stream changed the
   * message since the mutation was sent (`revision` then), whose word is later.
   */
  applyResult(message: M, revisionBefore: number): boolean {
    if (this.revision(message.id) !== revisionBefore) return false;
    return this.replace(message);
  }

  /** A shown message's newer version; false when it is not shown (or deleted). */
  private replace(message: M): boolean {
    const item = this.items.get(message.id);
    if (!item || item.kind !== "message") return false;
    this.items.set(message.id, { kind: "message", id: message.id, message });
    this.resort();
    return true;
  }

  /** Shown messages of one thread (its replies), oldest first. */
  replies(rootId: string): M[] {
    return this.sorted.flatMap((item) => (item.kind === "message" && item.message.threadRootId === rootId ? [item.message] : []));
  }

  /** A deletion seen live: a shown message becomes a placeholder. Returns whether one was shown. */
  markDeleted(id: string): boolean {
    this.deleted.add(id);
    const item = this.items.get(id);
    if (!item || item.kind === "deleted") return false;
    this.items.set(id, { kind: "deleted", id });
    this.resort();
    return true;
  }

  clear(): void {
    this.items.clear();
    this.revisions.clear();
    this.resort();
  }

  private resort(): void {
    this.sorted = [...this.items.values()].sort((a, b) => compareIds(a.id, b.id));
  }
}
