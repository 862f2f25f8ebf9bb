import { useApolloClient } from "@apollo/client/react";
import { useId, useState, type FormEvent } from "react";
import { describeError } from "../errors";
import { SearchMessagesDocument } from "./directory-operations";
import { MessageText } from "./MessageText";
import type { ChatMessage } from "./useChatRoom";

const PAGE = 20;
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** Search within the room, newest first, with older results on demand. */
export function SearchPanel({ courseId }: { courseId: string }) {
  const client = useApolloClient();
  const id = useId();
  const [results, setResults] = useState<{ query: string; messages: ChatMessage[]; more: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function run(query: string, before: string | null) {
    setBusy(true);
    setError(null);
    try {
      const result = await client.query({ query: SearchMessagesDocument, variables: { courseId, query, first: PAGE, before }, fetchPolicy: "no-cache" });
      if (result.error) throw result.error;
      const page = result.data?.searchMessages ?? [];
      setResults((current) => ({ query, messages: before && current ? [...current.messages, ...page] : page, more: page.length === PAGE }));
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setBusy(false);
    }
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const query = String(new FormData(event.currentTarget).get("query") ?? "").trim();
    if (query) void run(query, null);
  }

  return (
    <>
      <form role="search" className="search-form" onSubmit={submit}>
        <label htmlFor={id}>Search this room</label>
        <div className="search-row">
          <input id={id} name="query" type="search" maxLength={200} required />
          <button type="submit" disabled={busy}>
            Search
          </button>
        </div>
      </form>
      <div role="alert" className="error">
        {error}
      </div>
      <p role="status" className="muted">
        {busy ? "Searching…" : results ? `${results.messages.length}${results.more ? "+" : ""} ${results.messages.length === 1 ? "result" : "results"} for “${results.query}”` : ""}
      </p>
      {results && results.messages.length > 0 && (
        <ol className="search-results" aria-label="Search results">
          {results.messages.map((message) => (
            <li key={message.id} data-message-id={message.id}>
              <p className="meta">
                <span className="sender">{message.user.username}</span>{" "}
                <time dateTime={message.sentOn}>{dateTimeFormat.format(new Date(message.sentOn))}</time>
              </p>
              <div className="content">
                <MessageText content={message.content} />
              </div>
            </li>
          ))}
        </ol>
      )}
      {results?.more && (
        <button type="button" className="secondary" disabled={busy} onClick={() => void run(results.query, results.messages.at(-1)?.id ?? null)}>
          Older results
        </button>
      )}
    </>
  );
}
