import type { MessageFilter } from "../gql/graphql";

export interface AdminFilter {
  courseId: string;
  /** yyyy-mm-dd from a date input, or "". */
  from: string;
  /** yyyy-mm-dd, inclusive: messages sent on that day count. */
  to: string;
  search: string;
  includeDeleted: boolean;
  user: { id: string; username: string } | null;
}

export const EMPTY_FILTER: AdminFilter = { courseId: "", from: "", to: "", search: "", includeDeleted: true, user: null };

/** Midnight at the start of a local calendar day, `days` after the given one. */
function localMidnight(day: string, days = 0): string {
  const date = new Date(`${day}T00:00:00`);
  date.setDate(date.getDate() + days);
  return date.toISOString();
}

/** The API's filter: dates in the reader's time zone, "to" including its whole day. */
export function toMessageFilter(filter: AdminFilter): MessageFilter {
  const search = filter.search.trim();
  return {
    courseId: filter.courseId || null,
    userId: filter.user?.id ?? null,
    sentFrom: filter.from ? localMidnight(filter.from) : null,
    sentTo: filter.to ? localMidnight(filter.to, 1) : null,
    search: search || null,
    includeDeleted: filter.includeDeleted,
  };
}
