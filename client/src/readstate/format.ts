/** The app's name, as the tab shows it with nothing unread. */
export const APP_TITLE = "Educa Chat";

/** The same cap as the server's `unreadBadge`: exact up to 99. */
export function badgeText(count: number | null | undefined): string | null {
  if (!count || count <= 0) return null;
  return count > 99 ? "99+" : String(count);
}

/** Mentions are shown apart from the plain count, as "@2". */
export function mentionText(count: number | null | undefined): string | null {
  const text = badgeText(count);
  return text && `@${text}`;
}

/** "(3) Educa Chat", as mail and chat apps title their tabs; "(@1 · 3)" when one mentions the reader. */
export function tabTitle(unread: number, mentions: number, base = APP_TITLE): string {
  const count = badgeText(unread);
  if (!count) return base;
  const mention = mentionText(mentions);
  return `(${mention ? `${mention} · ` : ""}${count}) ${base}`;
}

/** What a screen reader hears for a room's badges. */
export function badgeLabel(unread: number | null | undefined, mentions: number | null | undefined): string {
  const parts = [];
  if (unread) parts.push(`${badgeText(unread)} unread`);
  if (mentions) parts.push(`${badgeText(mentions)} ${mentions === 1 ? "mention" : "mentions"}`);
  return parts.join(", ");
}


const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** "73 new messages since 10:02" (a time today, a date and time before): the unread bar's line. */
export function backlogText(count: number, since: Date | null, now = new Date()): string {
  const messages = `${count} new ${count === 1 ? "message" : "messages"}`;
  if (!since) return messages;
  const today = since.toDateString() === now.toDateString();
  return `${messages} since ${(today ? timeFormat : dateTimeFormat).format(since)}`;
}
