import type { MessageActions } from "./message-actions";
import type { ChatMessage } from "./useChatRoom";

const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** The message a reply answers, quoted above it; opens the thread. */
export function ReplyQuote({ message, actions }: { message: ChatMessage; actions: MessageActions | undefined }) {
  const reference = message.replyTo;
  if (!reference || reference.id === actions?.threadRootId) return null;
  const root = message.threadRootId ?? reference.id;
  const body = (
    <>
      <span className="visually-hidden">In reply to </span>
      <span className="reply-quote-user">{reference.user.username}</span>{" "}
      <span className="reply-quote-preview">{reference.deleted ? "Message deleted" : reference.preview}</span>
    </>
  );
  return actions && !actions.threadRootId ? (
    <button type="button" className="reply-quote" onClick={() => actions.openThread(root, message.id)}>
      {body}
    </button>
  ) : (
    <p className="reply-quote">{body}</p>
  );
}

/** "(edited)", with when, beside the time. */
export function EditedMark({ editedAt }: { editedAt: string | null | undefined }) {
  if (!editedAt) return null;
  return (
    <span className="edited" title={`Edited ${dateTimeFormat.format(new Date(editedAt))}`}>
      (edited)
    </span>
  );
}

/** On a thread's first message in the room: how many replies, opening the thread. */
export function ThreadSummary({ message, actions }: { message: ChatMessage; actions: MessageActions }) {
  if (actions.threadRootId || message.replyCount === 0) return null;
  return (
    <button type="button" className="link thread-summary" onClick={() => actions.openThread(message.id, message.id)}>
      {message.replyCount === 1 ? "1 reply" : `${message.replyCount} replies`}
    </button>
  );
}

/** Edit (my own, within the window) and Reply. */
export function MessageActionButtons({ message, mine, actions }: { message: ChatMessage; mine: boolean; actions: MessageActions }) {
  const who = mine ? "me" : message.user.username;
  return (
    <>
      {actions.canEdit(message) && (
        <button type="button" className="link edit" onClick={() => actions.startEdit(message.id)} aria-label="Edit my message">
          Edit
        </button>
      )}
      <button
        type="button"
        className="link reply"
        onClick={() => actions.openThread(message.threadRootId ?? message.id, message.id)}
        aria-label={`Reply to message from ${who}`}
      >
        Reply
      </button>
    </>
  );
}
