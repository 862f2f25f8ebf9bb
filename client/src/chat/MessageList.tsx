import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from "react";
import { UnreadJumpBar } from "../readstate/UnreadJumpBar";
import type { MessageActions } from "./message-actions";
import { layout } from "./message-groups";
import { compareIds } from "./message-order";
import { MessageItem } from "./MessageItem";
import { recallPlace, rememberPlace } from "./scroll-memory";
import { useSeenMessages } from "./useSeenMessages";
import type { ChatItem, ChatMessage } from "./useChatRoom";

interface Props {
  courseId: string;
  items: readonly ChatItem[];
  userId: string;
  ownerId: string | undefined;
  hasEarlier: boolean;
  loadingEarlier: boolean;
  onLoadEarlier: () => void;
  /** Whether the reader may delete a message; omitted when nobody may. */
  canDelete?: (message: ChatMessage) => boolean;
  onDelete?: (message: ChatMessage) => void;
  /** Moves focus to this message's placeholder once it is shown (a message just deleted). */
  focusId?: string | null;
  /** Called once focus has moved there, so later messages do not pull it back. */
  onFocused?: () => void;
  /** Edit, react, reply. */
  actions?: MessageActions;
  /** The user's unsent messages, shown below the others. */
  outbox?: ReactNode;
  /** Changes when the outbox does: the view follows it like a new message of one's own. */
  outboxSize: number;
  /** "New messages" goes before this message (the first unread when the room opened). */
  dividerId?: string | null;
  /**
   * The newest message on screen while the tab is focused and visible (to mark it read);
   * absent until the room's read state is known and the list has opened at the divider.
   */
  onSeen?: (messageId: string) => void;
  /** Unread messages in the room now, for the bar shown while the first is not loaded. */
  unreadCount?: number;
  /** The read marker when the room opened (where the backlog starts). */
  openedAfterId?: string | null;
}

const NEAR_BOTTOM_PX = 48;
/** Start loading earlier messages this far before the reader reaches the top. */
const PRELOAD_PX = 400;

/**
 * Follows new messages unless the reader scrolled up; loads earlier ones as the reader nears
 * the top (the button stays as a fallback), keeps the view still while they arrive, and
 * remembers the reader's place per room.
 */
export function MessageList(props: Props) {
  const {
    courseId,
    items,
    userId,
    ownerId,
    hasEarlier,
    loadingEarlier,
    onLoadEarlier,
    canDelete,
    onDelete,
    focusId,
    onFocused,
    actions,
    outbox,
    outboxSize,
    dividerId,
    onSeen,
    unreadCount = 0,
    openedAfterId = null,
  } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const list = useRef<HTMLOListElement>(null);
  const content = useRef<HTMLDivElement>(null);
  const sentinel = useRef<HTMLButtonElement>(null);
  const atBottom = useRef(true);
  const previous = useRef<{
    oldest?: string;
    newest?: string;
    height: number;
    outboxSize: number;
  }>({ height: 0, outboxSize: 0 });
  const [unseen, setUnseen] = useState(false);
  // "Today" as of the latest change.
  const layouts = useMemo(() => layout(items, new Date()), [items]);

  const scrollToBottom = () => {
    const element = scroller.current;
    if (element) element.scrollTop = element.scrollHeight;
    atBottom.current = true;
    setUnseen(false);
  };

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const oldest = items[0]?.id;
    const newestItem = items.at(-1);
    const before = previous.current;
    if (before.newest === undefined && newestItem) {
      // First render: back to the reader's place, or at the newest message.
      const place = recallPlace(courseId);
      const anchor =
        place &&
        list.current?.querySelector<HTMLElement>(
          `[data-message-id="${CSS.escape(place.anchorId)}"]`,
        );
      if (place && anchor) {
        element.scrollTop = anchor.offsetTop + place.offset;
        atBottom.current = false;
      } else element.scrollTop = element.scrollHeight;
    } else if (newestItem && newestItem.id !== before.newest) {
      // Own messages always scroll into view; others only if the reader is at the bottom.
      const mine =
        newestItem.kind === "message" && newestItem.message.user.id === userId;
      if (atBottom.current || mine) scrollToBottom();
      else setUnseen(true);
    } else if (oldest !== before.oldest) {
      element.scrollTop += element.scrollHeight - before.height;
    } else if (outboxSize > before.outboxSize) {
      scrollToBottom();
    }
    previous.current = {
      oldest,
      newest: newestItem?.id,
      height: element.scrollHeight,
      outboxSize,
    };
  }, [items, userId, courseId, outboxSize]);

  // A resized view (phone rotation, keyboard) or content (badges arriving, code blocks)
  // stays pinned to the newest message.
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element || !content.current) return;
    const observer = new ResizeObserver(() => {
      if (atBottom.current) element.scrollTop = element.scrollHeight;
    });
    observer.observe(element);
    observer.observe(content.current);
    return () => observer.disconnect();
  }, []);

  // Nearing the top loads the page before; observed afresh after each load, so a page that
  // does not fill the view brings the next one too.
  useEffect(() => {
    const element = scroller.current;
    const target = sentinel.current;
    if (!element || !target || !hasEarlier || loadingEarlier) return;
    const observer = new IntersectionObserver(
      (entries) => entries.some((e) => e.isIntersecting) && onLoadEarlier(),
      {
        root: element,
        rootMargin: `${PRELOAD_PX}px 0px 0px 0px`,
      },
    );
    observer.observe(target);
    return () => observer.disconnect();
  }, [hasEarlier, loadingEarlier, onLoadEarlier, items]);

  // The first unread message is further back than the pages loaded: a bar says so and offers
  // to go there. Until the reader gets there or lets it go, nothing is marked read (the marker
  // is one position: the newest message seen would mark the backlog above it too).
  const [dismissed, setDismissed] = useState(false);
  const [jumping, setJumping] = useState(false);
  const oldestId = items[0]?.id;
  const dividerLoaded = Boolean(dividerId && items.some((item) => item.id === dividerId));
  const backlog = Boolean(dividerId && oldestId && hasEarlier && !dividerLoaded && compareIds(dividerId, oldestId) < 0);
  const barShown = backlog && !dismissed && unreadCount > 0;

  // Jumping: the same paging as scrolling up, page after page until the first unread arrives;
  // a page that brings nothing new (a failed request) stops it until Jump is pressed again.
  const requestedFrom = useRef<string | undefined>(undefined);
  const arriving = useRef(false);
  if (jumping && !backlog) setJumping(false);
  useEffect(() => {
    if (!jumping || !backlog || loadingEarlier || requestedFrom.current === oldestId) return;
    requestedFrom.current = oldestId;
    onLoadEarlier();
  }, [jumping, backlog, loadingEarlier, oldestId, onLoadEarlier]);

  const scrollToDivider = useCallback(() => {
    const element = scroller.current;
    const divider = list.current?.querySelector<HTMLElement>(".unread-divider")?.closest("li");
    if (!element || !divider) return false;
    if (divider.offsetTop < element.scrollHeight - element.clientHeight) {
      element.scrollTop = divider.offsetTop - 8;
      atBottom.current = false;
    }
    return true;
  }, []);

  // Arrived: at the divider, focus on the list (the bar and its button are gone).
  useLayoutEffect(() => {
    if (!arriving.current || !dividerLoaded) return;
    arriving.current = false;
    scrollToDivider();
    scroller.current?.focus({ preventScroll: true });
  }, [dividerLoaded, items, scrollToDivider]);

  const jump = () => {
    requestedFrom.current = undefined;
    arriving.current = true;
    setJumping(true);
  };
  // The reader's choice: everything up to the newest message is read.
  const dismiss = () => {
    setDismissed(true);
    const newest = items.findLast((item) => item.kind === "message");
    if (newest) onSeen?.(newest.id);
    scroller.current?.focus({ preventScroll: true });
  };

  // Opening at the first unread message, unless the reader had a place of their own here.
  // With the first unread further back, the list opens at the newest and the bar offers the
  // way; scrolling up to it later does not pull the view there.
  const openedAtDivider = useRef(false);
  useLayoutEffect(() => {
    const element = scroller.current;
    if (
      !element ||
      !dividerId ||
      openedAtDivider.current ||
      recallPlace(courseId)
    )
      return;
    if (backlog || scrollToDivider()) openedAtDivider.current = true;
  }, [dividerId, items, courseId, backlog, scrollToDivider]);

  useSeenMessages(scroller, list, items, barShown ? undefined : onSeen);

  // The deletion may reach the list (by the room's stream) before or after the mutation answers.
  useLayoutEffect(() => {
    if (!focusId) return;
    const placeholder = list.current?.querySelector<HTMLElement>(`li.deleted[data-message-id="${CSS.escape(focusId)}"]`);
    if (!placeholder) return;
    placeholder.focus();
    onFocused?.();
  }, [focusId, items, onFocused]);

  const onScroll = () => {
    const element = scroller.current;
    if (!element) return;
    atBottom.current =
      element.scrollHeight - element.scrollTop - element.clientHeight <
      NEAR_BOTTOM_PX;
    if (atBottom.current) setUnseen(false);
    rememberPlace(
      courseId,
      atBottom.current ? null : placeIn(element, list.current),
    );
  };

  return (
    <div className="message-area">
      {barShown && (
        <UnreadJumpBar
          courseId={courseId}
          afterId={openedAfterId}
          count={unreadCount}
          jumping={jumping && loadingEarlier}
          onJump={jump}
          onDismiss={dismiss}
        />
      )}
      {/* A log of the conversation; new messages are announced by the room's own live region. */}
      <div
        className="messages"
        ref={scroller}
        onScroll={onScroll}
        tabIndex={0}
        role="log"
        aria-live="off"
        aria-label="Messages"
      >
        <div ref={content}>
          {hasEarlier && (
            <button
              ref={sentinel}
              type="button"
              className="secondary load-earlier"
              onClick={onLoadEarlier}
              disabled={loadingEarlier}
            >
              {loadingEarlier ? "Loading…" : "Load earlier messages"}
            </button>
          )}
          {items.length === 0 && !outboxSize ? (
            <p className="muted empty">No messages yet. Say hello!</p>
          ) : (
            <ol className="message-list" data-testid="message-list" ref={list}>
              {items.map((item, i) => (
                <MessageItem
                  key={item.id}
                  item={item}
                  // The first unread message starts a group of its own, its sender shown.
                  layout={
                    item.id === dividerId
                      ? { day: layouts[i]?.day ?? null, continued: false }
                      : (layouts[i] ?? { day: null, continued: false })
                  }
                  firstUnread={item.id === dividerId}
                  userId={userId}
                  ownerId={ownerId}
                  onDelete={
                    onDelete &&
                    item.kind === "message" &&
                    canDelete?.(item.message)
                      ? onDelete
                      : undefined
                  }
                  actions={actions}
                />
              ))}
            </ol>
          )}
          {outbox}
        </div>
      </div>
      {unseen && (
        <button type="button" className="new-messages" onClick={scrollToBottom}>
          New messages ↓
        </button>
      )}
    </div>
  );
}

/** The first message in view and how far the view's top is below its top. */
function placeIn(
  scroller: HTMLElement,
  list: HTMLOListElement | null,
): { anchorId: string; offset: number } | null {
  if (!list) return null;
  for (const child of list.children) {
    const item = child as HTMLElement;
    if (item.offsetTop + item.offsetHeight > scroller.scrollTop) {
      const anchorId = item.dataset["messageId"];
      return anchorId
        ? { anchorId, offset: scroller.scrollTop - item.offsetTop }
        : null;
    }
  }
  return null;
}
