import type { ChatMessage } from "./useChatRoom";

/** What a reader can do with a message beyond reading it: edit, react, reply (given to MessageItem). */
export interface MessageActions {
  /** The message being edited in place, if any. */
  editingId: string | null;
  canEdit(message: ChatMessage): boolean;
  startEdit(messageId: string): void;
  saveEdit(messageId: string, content: string): Promise<string | null>;
  endEdit(): void;
  react(messageId: string, emoji: string, on: boolean): void;
  /** Opens the thread a message is in (or starts), replying to `replyToId`. */
  openThread(rootId: string, replyToId: string): void;
  /** Set inside the thread panel: its root is not quoted again, nor its summary shown. */
  threadRootId?: string;
}
