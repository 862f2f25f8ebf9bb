import { useApolloClient, useMutation, useQuery } from "@apollo/client/react";
import { useState } from "react";
import { useUser } from "../auth/session";
import { DeleteMessageDocument } from "../chat/operations";
import { describeError, errorCode } from "../errors";
import { downloadText } from "./csv";
import { EXPORT_MAX_ROWS, fetchAllMessages, messagesCsv } from "./exportMessages";
import { EMPTY_FILTER, toMessageFilter, type AdminFilter } from "./filter";
import { MessageFilterForm } from "./MessageFilterForm";
import { MessageTable } from "./MessageTable";
import { AdminMessagesDocument } from "./operations";
import { CloseButton } from "../ui/CloseButton";

export const ADMIN_PAGE_SIZE = 50;

function AccessDenied() {
  return (
    <main>
      <h1>Message admin</h1>
      <p role="alert">Access denied: only instructors and staff can review messages.</p>
    </main>
  );
}

export function AdminMessagesPage() {
  const user = useUser();
  if (user.role === "Student") return <AccessDenied />;
  return <AdminMessages />;
}

function AdminMessages() {
  const client = useApolloClient();
  const [filter, setFilter] = useState<AdminFilter>(EMPTY_FILTER);
  // The `after` cursor of every page up to the current one: Previous pops it.
  const [cursors, setCursors] = useState<string[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);
  const [deleteMessage] = useMutation(DeleteMessageDocument);
  const variables = { filter: toMessageFilter(filter), first: ADMIN_PAGE_SIZE, after: cursors.at(-1) ?? null };
  const { data, loading, error, refetch } = useQuery(AdminMessagesDocument, { variables, fetchPolicy: "network-only" });

  if (errorCode(error) === "FORBIDDEN") return <AccessDenied />;

  const apply = (next: AdminFilter) => {
    setFilter(next);
    setCursors([]);
    setNotice(null);
  };

  async function remove(id: string) {
    if (!window.confirm("Delete this message for everyone? It stays listed here as deleted.")) return;
    setFailure(null);
    try {
      await deleteMessage({ variables: { messageId: id } });
      await refetch();
      setNotice("Message deleted.");
    } catch (caught) {
      setFailure(describeError(caught));
    }
  }

  async function exportCsv() {
    setExporting(true);
    setFailure(null);
    setNotice(null);
    try {
      const { rows, total } = await fetchAllMessages(client, variables.filter);
      downloadText(messagesCsv(rows), "messages.csv");
      setNotice(
        total > EXPORT_MAX_ROWS
          ? `Exported the newest ${rows.length} of ${total} messages (the export stops at ${EXPORT_MAX_ROWS}).`
          : `Exported ${rows.length} ${rows.length === 1 ? "message" : "messages"}.`,
      );
    } catch (caught) {
      setFailure(describeError(caught));
    } finally {
      setExporting(false);
    }
  }

  const page = data?.adminMessages;
  const total = page?.totalCount ?? 0;
  return (
    <main className="admin">
      <h1>Message admin</h1>
      <MessageFilterForm applied={filter} onApply={apply} />
      {filter.user && (
        <p className="chips">
          <span className="chip">
            User: {filter.user.username}
            <CloseButton label={`Remove filter: user ${filter.user.username}`} onClick={() => apply({ ...filter, user: null })} />
          </span>
        </p>
      )}
      <div role="alert" className="error">
        {failure ?? (error ? describeError(error) : null)}
      </div>
      <div className="admin-summary">
        <p role="status" data-testid="total-count">
          {loading && !page ? "Loading messages…" : `${total} ${total === 1 ? "message" : "messages"}`}
        </p>
        <button type="button" className="secondary" onClick={() => void exportCsv()} disabled={exporting || total === 0}>
          {exporting ? "Exporting…" : "Export CSV"}
        </button>
      </div>
      {notice && <p className="notice">{notice}</p>}
      {page && (
        <MessageTable
          messages={page.nodes}
          onUser={(u) => apply({ ...filter, user: { id: u.id, username: u.username } })}
          onDelete={(id) => void remove(id)}
        />
      )}
      <nav className="pager" aria-label="Pages">
        <button type="button" className="secondary" disabled={cursors.length === 0 || loading} onClick={() => setCursors((c) => c.slice(0, -1))}>
          Previous
        </button>
        <span>Page {cursors.length + 1}</span>
        <button
          type="button"
          className="secondary"
          disabled={!page?.hasNextPage || !page.endCursor || loading}
          onClick={() => page?.endCursor && setCursors((c) => [...c, page.endCursor as string])}
        >
          Next
        </button>
      </nav>
    </main>
  );
}
