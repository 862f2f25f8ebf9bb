import { memo } from "react";
import Markdown, { type Components } from "react-markdown";
import remarkBreaks from "remark-breaks";
import remarkGfm from "remark-gfm";
import { remarkMentions, type MentionedUser } from "./mention-text";

// What a chat message may contain: formatting, code, lists, quotes, links. Raw HTML in a
// message is shown as the text it is (react-markdown never parses it; spans are only our mentions), URLs go through
// react-markdown's safe-protocol filter, and images become links (no third-party loads).
const ALLOWED = ["span", "p", "br", "strong", "em", "del", "code", "pre", "a", "img", "ul", "ol", "li", "blockquote", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td"];

const components: Components = {
  // An unsafe URL (javascript: and the like) comes back empty: its text, not a link.
  a: ({ href, children }) =>
    href ? (
      <a href={href} target="_blank" rel="noopener noreferrer nofollow">
        {children}
      </a>
    ) : (
      <span>{children}</span>
    ),
  img: ({ src, alt }) =>
    typeof src === "string" && src ? (
      <a href={src} target="_blank" rel="noopener noreferrer nofollow">
        {alt || src}
      </a>
    ) : (
      <>{alt}</>
    ),
  // Headings inside a message are emphasis, not page structure.
  h1: ({ children }) => <p className="md-heading">{children}</p>,
  h2: ({ children }) => <p className="md-heading">{children}</p>,
  h3: ({ children }) => <p className="md-heading">{children}</p>,
  h4: ({ children }) => <p className="md-heading">{children}</p>,
  h5: ({ children }) => <p className="md-heading">{children}</p>,
  h6: ({ children }) => <p className="md-heading">{children}</p>,
  // A long code line scrolls inside its block; keyboard users can reach it.
  pre: ({ children }) => <pre tabIndex={0}>{children}</pre>,
};

const NO_MENTIONS: readonly MentionedUser[] = [];

/** A message's text as Markdown (line breaks kept as typed), never as HTML; mentions highlighted. */
export const MessageText = memo(function MessageText({ content, mentions = NO_MENTIONS, userId = null }: { content: string; mentions?: readonly MentionedUser[]; userId?: string | null }) {
  return (
    <Markdown remarkPlugins={[remarkGfm, remarkBreaks, [remarkMentions, { mentions, userId }]]} allowedElements={ALLOWED} unwrapDisallowed components={components}>
      {content}
    </Markdown>
  );
});
