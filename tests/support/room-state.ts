import { graphql } from "./graphql.js";

/** What a client shows of a message; the same selection for history and for room events. */
export const MESSAGE_FIELDS = `id content editedAt user { username } replyTo { id preview deleted } threadRootId replyCount lastReplyAt
  reactions { emoji count reactedByMe } mentions { username }`;
export const ROOM_EVENTS = `subscription($id: ID!, $after: ID) { roomEvents(courseId: $id, after: $after) {
  cursor kind messageId message { ${MESSAGE_FIELDS} } settings { announcementOnly slowModeSeconds } } }`;
const HISTORY = `query($id: ID!, $before: ID) { messages(courseId: $id, last: 100, before: $before) { ${MESSAGE_FIELDS} } }`;

export interface RoomEventFrame {
  cursor: string;
  kind: string;
  messageId: string;
  message: Record<string, unknown> & { id: string } | null;
  settings: { announcementOnly: boolean; slowModeSeconds: number } | null;
}

/** A room as a client builds it from room events: every change applied in order, once. */
export class RoomState {
  readonly messages = new Map<string, Record<string, unknown>>();
  readonly cursors: string[] = [];
  settings: RoomEventFrame["settings"] = null;

  get cursor(): string | null {
    return this.cursors.at(-1) ?? null;
  }

  apply(event: RoomEventFrame): void {
    this.cursors.push(event.cursor);
    if (event.kind === "MessageDeleted") this.messages.delete(event.messageId);
    else if (event.kind === "SettingsChanged") this.settings = event.settings;
    else if (event.message) this.messages.set(event.message.id, event.message);
  }

  /** Cursors seen more than once (a duplicate delivery), and whether they only ever grew. */
  duplicates(): string[] {
    return this.cursors.filter((c, i) => this.cursors.indexOf(c) !== i);
  }

  inOrder(): boolean {
    return this.cursors.every((c, i) => i === 0 || Number(c) > Number(this.cursors[i - 1]));
  }

  /** The messages shown, oldest first. */
  shown(): Record<string, unknown>[] {
    return [...this.messages.values()].sort((x, y) => Number(x["id"]) - Number(y["id"]));
  }
}

/** The room as a fresh read gives it (every message still shown, oldest first). */
export async function freshRead(url: string, token: string, courseId: string): Promise<Record<string, unknown>[]> {
  const all: Record<string, unknown>[] = [];
  let before: string | undefined;
  for (;;) {
    const res = await graphql(url, HISTORY, { id: courseId, ...(before ? { before } : {}) }, token);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    const page = res.data?.["messages"] as Record<string, unknown>[];
    all.unshift(...page);
    if (page.length < 100) return all;
    before = String(page[0]!["id"]);
  }
}
