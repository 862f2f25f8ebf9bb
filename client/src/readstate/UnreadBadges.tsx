import { badgeLabel, badgeText, mentionText } from "./format";

/** A room's (or the total's) counts: mentions apart, as "@2", then the unread count. */
export function UnreadBadges({ unread, mentions, badge }: { unread: number | null | undefined; mentions: number | null | undefined; badge?: string | null }) {
  const count = badge && badge !== "0" ? badge : badgeText(unread);
  const mention = mentionText(mentions);
  if (!count && !mention) return null;
  return (
    <span className="unread-badges" data-testid="unread-badges">
      <span className="visually-hidden">{` (${badgeLabel(unread, mentions)})`}</span>
      <span aria-hidden="true">
        {mention && <span className="badge mention-badge">{mention}</span>}
        {count && <span className="badge unread-badge">{count}</span>}
      </span>
    </span>
  );
}
