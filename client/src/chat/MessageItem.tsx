import { QuestionActions } from "../questions/QuestionActions";
import { QuestionBadge } from "../questions/QuestionBadge";
import { Avatar, RoleBadge, roleBadge } from "./Avatar";
import type { MessageActions } from "./message-actions";
import type { Layout } from "./message-groups";
import { MessageEditor } from "./MessageEditor";
import { MessageText } from "./MessageText";
import { EditedMark, MessageActionButtons, ReplyQuote, ThreadSummary } from "./MessageThreadParts";
import { ReactionBar, ReactionToggle, useReactionPicker } from "./ReactionBar";
import type { ChatItem, ChatMessage } from "./useChatRoom";

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

interface Props {
  item: ChatItem;
  layout: Layout;
  userId: string;
  ownerId: string | undefined;
  /** Present when the reader may delete this message. */
  onDelete?: (message: ChatMessage) => void;
  /** Edit, react, reply: absent where a message is only shown. */
  actions?: MessageActions;
  /** The first message unread when the room opened: "New messages" goes above it. */
  firstUnread?: boolean;
}

export function MessageItem({ item, layout, userId, ownerId, onDelete, actions, firstUnread = false }: Props) {
  const picker = useReactionPicker();
  const divider = (
    <>
      {layout.day && (
        <div className="day-divider" role="separator" aria-label={layout.day}>
          <span aria-hidden="true">{layout.day}</span>
        </div>
      )}
      {firstUnread && (
        <div className="unread-divider" role="separator" aria-label="New messages" data-testid="unread-divider">
          <span aria-hidden="true">New messages</span>
        </div>
      )}
    </>
  );
  if (item.kind === "deleted") {
    return (
      <li className="message deleted" data-message-id={item.id} tabIndex={-1}>
        {divider}
        <p className="deleted-note">This message was deleted.</p>
      </li>
    );
  }
  const { message } = item;
  const mine = message.user.id === userId;
  const sent = new Date(message.sentOn);
  const name = mine ? "Me" : message.user.username;
  const badge = roleBadge(message.user, ownerId);
  const mentionsMe = !mine && message.mentions.some((m) => m.id === userId);
  const editing = actions?.editingId === message.id;
  return (
    <li className={`message${mine ? " mine" : ""}${layout.continued ? " continued" : ""}${mentionsMe ? " mentions-me" : ""}`} data-message-id={message.id}>
      {divider}
      <div className="message-row">
        {layout.continued ? <span className="avatar-space" aria-hidden="true" /> : <Avatar user={message.user} />}
        <div className="message-body">
          {/* Grouped messages keep their sender and time for screen readers (and tests), hidden from sight. */}
          <div className={layout.continued ? "meta visually-hidden" : "meta"}>
            <span className="sender">{name}</span>
            <RoleBadge label={badge} />
            <time dateTime={message.sentOn} title={dateTimeFormat.format(sent)}>
              {timeFormat.format(sent)}
            </time>
            <EditedMark editedAt={message.editedAt} />
            {mentionsMe && <span className="mention-note">Mentions you</span>}
          </div>
          <QuestionBadge message={message} />
          <ReplyQuote message={message} actions={actions} />
          {editing && actions ? (
            <MessageEditor content={message.content} onSave={(content) => actions.saveEdit(message.id, content)} onDone={actions.endEdit} />
          ) : (
            <div className="content">
              <MessageText content={message.content} mentions={message.mentions} userId={userId} />
            </div>
          )}
          {!editing && <QuestionActions message={message} />}
          {actions && (
            <div className="message-footer">
              <ReactionBar message={message} userId={userId} picker={picker} onReact={(emoji, on) => actions.react(message.id, emoji, on)} />
              <ThreadSummary message={message} actions={actions} />
            </div>
          )}
        </div>
        {/* Shown on hover or focus where there is a pointer that hovers; always on touch screens. */}
        <div className={picker.open ? "message-actions open" : "message-actions"}>
          {actions && !editing && (
            <>
              <ReactionToggle picker={picker} author={mine ? "me" : message.user.username} />
              <MessageActionButtons message={message} mine={mine} actions={actions} />
            </>
          )}
          {onDelete && (
            <button type="button" className="link delete" onClick={() => onDelete(message)} aria-label={`Delete message from ${mine ? "me" : message.user.username}`}>
              Delete
            </button>
          )}
        </div>
      </div>
    </li>
  );
}
