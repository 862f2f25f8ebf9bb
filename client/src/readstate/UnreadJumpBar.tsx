import { useQuery } from "@apollo/client/react";
import { backlogText } from "./format";
import { FirstUnreadTimeDocument } from "./operations";

interface Props {
  courseId: string;
  /** The read marker when the room opened: the backlog starts with the message after it. */
  afterId: string | null;
  count: number;
  /** Earlier pages are loading on the way to the first unread message. */
  jumping: boolean;
  onJump: () => void;
  /** "Mark as read": the reader's word that the backlog need not be read. */
  onDismiss: () => void;
}

/**
 * Shown while the first unread message is further back than the loaded pages: how much the
 * reader missed, a way to get to where they stopped, and a way to let it go.
 */
export function UnreadJumpBar({ courseId, afterId, count, jumping, onJump, onDismiss }: Props) {
  const { data } = useQuery(FirstUnreadTimeDocument, {
    variables: { courseId, after: afterId ?? "" },
    skip: !afterId,
  });
  const sentOn = data?.messages[0]?.sentOn;
  return (
    <section className="unread-jump" aria-label="Unread messages" data-testid="unread-jump">
      <p role="status">
        {backlogText(count, sentOn ? new Date(sentOn) : null)}
        {jumping && <span className="muted"> · loading earlier messages…</span>}
      </p>
      <div className="unread-jump-actions">
        {/* Not disabled while loading: a disabled button would drop keyboard focus. */}
        <button type="button" className="small" onClick={onJump} aria-disabled={jumping || undefined}>
          Jump to first unread
        </button>
        <button type="button" className="secondary small" onClick={onDismiss}>
          Mark as read
        </button>
      </div>
    </section>
  );
}
