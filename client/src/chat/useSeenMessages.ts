import { useEffect, useRef, type RefObject } from "react";
import { compareIds } from "./message-order";
import type { ChatItem } from "./useChatRoom";

/** A message counts as seen when half of it is on screen, or it fills half the view. */
function shown(entry: IntersectionObserverEntry): boolean {
  if (!entry.isIntersecting) return false;
  const view = entry.rootBounds?.height ?? 0;
  return entry.intersectionRatio >= 0.5 || (view > 0 && entry.intersectionRect.height >= view / 2);
}

const tabAttended = () => document.visibilityState === "visible" && document.hasFocus();

/**
 * Focus can come back without an event this tab hears (another window closed over it, an OS
 * switch): while attended, what is on screen is reported again this often. The read marker
 * ignores what it already has, so this costs no request.
 */
export const SEEN_RECHECK_MS = 1000;

/**
 * Reports the newest message actually seen: on screen (an IntersectionObserver on the
 * messages), the tab visible and focused. Reported again when the tab comes back into focus.
 * Nothing is reported while `onSeen` is absent (the list not yet where the reader starts); once
 * it is given, the messages are observed afresh, so what counts is what is on screen from then
 * on, not what was there before the list moved to the divider.
 */
export function useSeenMessages(
  scroller: RefObject<HTMLElement | null>,
  list: RefObject<HTMLElement | null>,
  items: readonly ChatItem[],
  onSeen: ((messageId: string) => void) | undefined,
): void {
  const visible = useRef(new Set<string>());
  const report = useRef(() => {});
  useEffect(() => {
    report.current = () => {
      if (!onSeen || !tabAttended()) return;
      let newest: string | null = null;
      for (const id of visible.current) if (!newest || compareIds(id, newest) > 0) newest = id;
      if (newest) onSeen(newest);
    };
  }, [onSeen]);

  const enabled = Boolean(onSeen);
  useEffect(() => {
    const root = scroller.current;
    if (!root || !list.current || !enabled) return;
    // Entries computed before this observer's time (the list still at the newest message, say,
    // before it moved to the divider) may still be delivered after it is gone: not used.
    let live = true;
    const observer = new IntersectionObserver(
      (entries) => {
        if (!live) return;
        for (const entry of entries) {
          const id = (entry.target as HTMLElement).dataset["messageId"];
          if (!id) continue;
          if (shown(entry)) visible.current.add(id);
          else visible.current.delete(id);
        }
        report.current();
      },
      { root, threshold: [0, 0.5, 1] },
    );
    visible.current.clear();
    // Deleted messages are placeholders, not something to have read.
    list.current.querySelectorAll<HTMLElement>(":scope > li[data-message-id]:not(.deleted)").forEach((item) => observer.observe(item));
    return () => {
      live = false;
      observer.disconnect();
    };
  }, [scroller, list, items, enabled]);

  useEffect(() => {
    const again = () => report.current();
    window.addEventListener("focus", again);
    document.addEventListener("visibilitychange", again);
    const recheck = setInterval(again, SEEN_RECHECK_MS);
    return () => {
      window.removeEventListener("focus", again);
      document.removeEventListener("visibilitychange", again);
      clearInterval(recheck);
    };
  }, []);
}
