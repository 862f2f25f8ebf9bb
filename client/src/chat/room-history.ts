import { compareIds } from "./message-order";

/** Enough for a tall screen; the room pages back as the reader scrolls up. */
export const FIRST_PAGE = 50;
export const EARLIER_PAGE = 50;
/** Bringing back a reader's place far up in history stops after this many messages. */
const RESTORE_LIMIT = 500;

export type FetchPage<M> = (page: { last: number; before: string | null }) => Promise<M[]>;

/**
 * The newest page, then earlier pages until `anchorId` (where the reader was when they left
 * the room) is loaded, so their place can be given back. Pages come oldest first.
 */
export async function loadUntil<M extends { id: string }>(fetch: FetchPage<M>, anchorId: string | null): Promise<{ messages: M[]; hasEarlier: boolean }> {
  let messages = await fetch({ last: FIRST_PAGE, before: null });
  let hasEarlier = messages.length === FIRST_PAGE;
  while (anchorId && hasEarlier && messages.length < RESTORE_LIMIT) {
    const oldest = messages[0];
    if (!oldest || compareIds(oldest.id, anchorId) <= 0) break;
    const earlier = await fetch({ last: EARLIER_PAGE, before: oldest.id });
    hasEarlier = earlier.length === EARLIER_PAGE;
    messages = [...earlier, ...messages];
  }
  return { messages, hasEarlier };
}
