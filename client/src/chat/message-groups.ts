import type { TimelineItem, TimelineMessage } from "./timeline";

/** A later message by the same author within this long joins the previous one's group. */
const GROUP_MS = 5 * 60 * 1000;

export interface Layout {
  /** Shown above the item: the first item of a day ("Today", "Yesterday", or a date). */
  day: string | null;
  /** Same author as the message above, shortly after: no name and avatar again. */
  continued: boolean;
}

const dateFormat = new Intl.DateTimeFormat(undefined, { weekday: "long", day: "numeric", month: "long", year: "numeric" });

/** Local calendar day, as a key. */
const dayKey = (date: Date) => `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}`;

export function dayLabel(date: Date, now: Date, format: (date: Date) => string = (d) => dateFormat.format(d)): string {
  if (dayKey(date) === dayKey(now)) return "Today";
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (dayKey(date) === dayKey(yesterday)) return "Yesterday";
  return format(date);
}

/** Day dividers and author groups for a list of items, oldest first. */
export function layout<M extends TimelineMessage>(items: readonly TimelineItem<M>[], now: Date, format?: (date: Date) => string): Layout[] {
  let previous: M | null = null;
  let previousDay: string | null = null;
  return items.map((item) => {
    if (item.kind === "deleted") {
      previous = null;
      return { day: null, continued: false };
    }
    const sent = new Date(item.message.sentOn);
    const key = dayKey(sent);
    const day = key === previousDay ? null : dayLabel(sent, now, format);
    const continued = day === null && previous !== null && previous.user.id === item.message.user.id && sent.getTime() - Date.parse(previous.sentOn) < GROUP_MS;
    previous = item.message;
    previousDay = key;
    return { day, continued };
  });
}

/** Up to two letters for an avatar: "ada" → "AD", "mary.jones" → "MJ". */
export function initials(username: string): string {
  const parts = username.split(/[._\-\s]+/).filter(Boolean);
  const letters = parts.length > 1 ? `${parts[0]?.[0] ?? ""}${parts[1]?.[0] ?? ""}` : username.slice(0, 2);
  return letters.toUpperCase();
}

/** A stable hue per user, so the same person always gets the same avatar colour. */
export function avatarHue(userId: string): number {
  let hash = 0;
  for (const char of userId) hash = (hash * 31 + char.charCodeAt(0)) % 1_000_003;
  // Golden-angle steps: neighbouring ids (1, 2, 3…) land far apart on the colour wheel.
  return Math.round((hash * 137.508) % 360);
}
