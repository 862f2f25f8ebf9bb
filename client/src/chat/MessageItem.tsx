import type { ChatMessage } from "./useChatRoom";

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** Times in the reader's locale; the date only when it is not today. */
function formatTime(date: Date): string {
  return date.toDateString() === new Date().toDateString() ? timeFormat.format(date) : dateTimeFormat.format(date);
}

interface Props {
  message: ChatMessage;
  mine: boolean;
  /** Present when the reader may delete this message. */
  onDelete?: (message: ChatMessage) => void;
}

export function MessageItem({ message, mine, onDelete }: Props) {
  const sent = new Date(message.sentOn);
  return (
    <li className={mine ? "message mine" : "message"} data-message-id={message.id}>
      <div className="meta">
        <span className="sender">{mine ? "Me" : message.user.username}</span>
        <time dateTime={message.sentOn} title={dateTimeFormat.format(sent)}>
          {formatTime(sent)}
        </time>
        {onDelete && (
          <button type="button" className="link delete" onClick={() => onDelete(message)} aria-label={`Delete message from ${mine ? "me" : message.user.username}`}>
            Delete
          </button>
        )}
      </div>
      {/* Plain React text: the content is never parsed as HTML. */}
      <p className="content">{message.content}</p>
    </li>
  );
}
