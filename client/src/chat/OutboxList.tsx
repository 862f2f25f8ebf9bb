import { useNow } from "./useNow";
import { MessageText } from "./MessageText";
import type { OutboxEntry } from "./outbox";

interface Props {
  entries: readonly OutboxEntry[];
  onRetry: (clientMessageId: string) => void;
  onDiscard: (clientMessageId: string) => void;
}

/** The user's messages the server has not confirmed yet: each visibly pending or failed, with why. */
export function OutboxList({ entries, onRetry, onDiscard }: Props) {
  const now = useNow(entries.some((e) => e.retryAt) ? 1000 : 60_000);
  if (entries.length === 0) return null;
  return (
    <ol className="message-list outbox" data-testid="outbox" aria-label="Not sent yet">
      {entries.map((entry) => {
        const wait = entry.retryAt ? Math.max(0, Math.ceil((entry.retryAt - now) / 1000)) : 0;
        const failed = entry.state === "failed";
        return (
          <li key={entry.clientMessageId} className={`message mine unsent${failed ? " failed" : ""}`} data-client-message-id={entry.clientMessageId}>
            <div className="message-row">
              <span className="avatar-space" aria-hidden="true" />
              <div className="message-body">
                <div className="content">
                  <MessageText content={entry.content} />
                </div>
                <p className="send-state">
                  <span className="send-status" role="status">
                    {failed ? (entry.reason ?? "Not sent.") : entry.reason ? `${entry.reason}${wait ? ` Sending again in ${wait} s.` : ""}` : "Sending…"}
                  </span>
                  {(failed || entry.reason) && (
                    <button type="button" className="link" onClick={() => onRetry(entry.clientMessageId)}>
                      {failed ? "Retry" : "Retry now"}
                    </button>
                  )}
                  {failed && (
                    <button type="button" className="link" onClick={() => onDiscard(entry.clientMessageId)}>
                      Discard
                    </button>
                  )}
                </p>
              </div>
            </div>
          </li>
        );
      })}
    </ol>
  );
}
