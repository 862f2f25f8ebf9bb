import type { ApolloClient } from "@apollo/client";
import type { AdminMessagesQuery, MessageFilter } from "../gql/graphql";
import { toCsv } from "./csv";
import { AdminMessagesDocument } from "./operations";

export type AdminMessage = AdminMessagesQuery["adminMessages"]["nodes"][number];

export const EXPORT_PAGE_SIZE = 200;
export const EXPORT_MAX_ROWS = 10_000;

export const CSV_HEADER = ["Sent on", "User", "Course", "Message", "Status"];

export function statusText(message: AdminMessage, format: (iso: string) => string): string {
  if (!message.deletedAt) return "Visible";
  return `Deleted by ${message.deletedBy?.username ?? "unknown"} at ${format(message.deletedAt)}`;
}

/** Every page of the filter, newest first, up to EXPORT_MAX_ROWS. */
export async function fetchAllMessages(client: ApolloClient, filter: MessageFilter): Promise<{ rows: AdminMessage[]; total: number }> {
  const rows: AdminMessage[] = [];
  let after: string | null = null;
  let total = 0;
  for (;;) {
    const result: ApolloClient.QueryResult<AdminMessagesQuery> = await client.query({
      query: AdminMessagesDocument,
      variables: { filter, first: EXPORT_PAGE_SIZE, after },
      fetchPolicy: "no-cache",
    });
    if (result.error) throw result.error;
    const page: AdminMessagesQuery["adminMessages"] | undefined = result.data?.adminMessages;
    if (!page) break;
    total = page.totalCount;
    rows.push(...page.nodes);
    if (!page.hasNextPage || !page.endCursor || rows.length >= EXPORT_MAX_ROWS) break;
    after = page.endCursor;
  }
  return { rows: rows.slice(0, EXPORT_MAX_ROWS), total };
}

/** Times in ISO 8601 (UTC) so spreadsheets and scripts read them alike. */
export function messagesCsv(rows: AdminMessage[]): string {
  const iso = (value: string) => new Date(value).toISOString();
  return toCsv([
    CSV_HEADER,
    ...rows.map((m) => [iso(m.sentOn), m.user.username, m.course.title, m.content, statusText(m, iso)]),
  ]);
}
