import { useLayoutEffect, useRef, useState } from "react";
import { MessageItem } from "./MessageItem";
import type { ChatMessage } from "./useChatRoom";

interface Props {
  messages: ChatMessage[];
  userId: string;
  hasEarlier: boolean;
  loadingEarlier: boolean;
  onLoadEarlier: () => void;
  /** Whether the reader may delete a message; omitted when nobody may. */
  canDelete?: (message: ChatMessage) => boolean;
  onDelete?: (message: ChatMessage) => void;
}

const NEAR_BOTTOM_PX = 48;

/** Follows new messages unless the reader scrolled up; keeps the view still when paging back. */
export function MessageList({ messages, userId, hasEarlier, loadingEarlier, onLoadEarlier, canDelete, onDelete }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const previous = useRef<{ oldest?: string; newest?: string; height: number }>({ height: 0 });
  const [unseen, setUnseen] = useState(false);

  const scrollToBottom = () => {
    const element = scroller.current;
    if (element) element.scrollTop = element.scrollHeight;
    atBottom.current = true;
    setUnseen(false);
  };

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const oldest = messages[0]?.id;
    const newestMessage = messages.at(-1);
    const before = previous.current;
    if (before.newest === undefined) {
      element.scrollTop = element.scrollHeight;
    } else if (newestMessage && newestMessage.id !== before.newest) {
      // Own messages always scroll into view; others only if the reader is at the bottom.
      if (atBottom.current || newestMessage.user.id === userId) scrollToBottom();
      else setUnseen(true);
    } else if (oldest !== before.oldest) {
      element.scrollTop += element.scrollHeight - before.height;
    }
    previous.current = { oldest, newest: newestMessage?.id, height: element.scrollHeight };
  }, [messages, userId]);

  // A resized view (phone rotation, keyboard) stays pinned to the newest message.
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const observer = new ResizeObserver(() => {
      if (atBottom.current) element.scrollTop = element.scrollHeight;
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const onScroll = () => {
    const element = scroller.current;
    if (!element) return;
    atBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < NEAR_BOTTOM_PX;
    if (atBottom.current) setUnseen(false);
  };

  return (
    <div className="message-area">
      <div className="messages" ref={scroller} onScroll={onScroll} tabIndex={0} aria-label="Messages">
        {hasEarlier && (
          <button type="button" className="secondary load-earlier" onClick={onLoadEarlier} disabled={loadingEarlier}>
            {loadingEarlier ? "Loading…" : "Load earlier messages"}
          </button>
        )}
        {messages.length === 0 ? (
          <p className="muted empty">No messages yet. Say hello!</p>
        ) : (
          <ol className="message-list" data-testid="message-list">
            {messages.map((message) => (
              <MessageItem
                key={message.id}
                message={message}
                mine={message.user.id === userId}
                onDelete={onDelete && canDelete?.(message) ? onDelete : undefined}
              />
            ))}
          </ol>
        )}
      </div>
      {unseen && (
        <button type="button" className="new-messages" onClick={scrollToBottom}>
          New messages ↓
        </button>
      )}
    </div>
  );
}
