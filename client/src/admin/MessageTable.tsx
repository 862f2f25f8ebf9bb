import type { AdminMessage } from "./exportMessages";
import { statusText } from "./exportMessages";

const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const format = (iso: string) => dateTimeFormat.format(new Date(iso));

interface Props {
  messages: AdminMessage[];
  onUser: (user: AdminMessage["user"]) => void;
  onDelete: (messageId: string) => void;
}

export function MessageTable({ messages, onUser, onDelete }: Props) {
  if (messages.length === 0) return <p className="muted">No messages match these filters.</p>;
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label="Messages table">
      <table className="admin-table">
        <thead>
          <tr>
            <th scope="col">Sent on</th>
            <th scope="col">User</th>
            <th scope="col">Course</th>
            <th scope="col">Message</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {messages.map((m) => (
            <tr key={m.id} data-message-id={m.id} className={m.deletedAt ? "deleted" : undefined}>
              <td>
                <time dateTime={m.sentOn}>{format(m.sentOn)}</time>
              </td>
              <td>
                <button type="button" className="link user-filter" onClick={() => onUser(m.user)} aria-label={`Show only messages by ${m.user.username}`}>
                  {m.user.username}
                </button>
              </td>
              <td>{m.course.title}</td>
              {/* Plain React text, never HTML. */}
              <td className="content">{m.content}</td>
              <td>
                {m.deletedAt ? (
                  statusText(m, format)
                ) : (
                  <span className="status-visible">
                    Visible{" "}
                    <button type="button" className="secondary small" onClick={() => onDelete(m.id)} aria-label={`Delete message ${m.id} by ${m.user.username}`}>
                      Delete
                    </button>
                  </span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
