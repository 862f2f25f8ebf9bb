import { useId, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode, type RefObject } from "react";
import { insertMention, matchMembers, mentionQuery, type MentionCandidate } from "./mention-query";

interface Options {
  members: readonly MentionCandidate[];
  selfId: string | null;
  draft: string;
  setDraft: (text: string) => void;
  input: RefObject<HTMLTextAreaElement | null>;
}

export interface MentionAutocomplete {
  /** Spread on the textarea: it stays a textbox that owns the suggestions (aria-autocomplete, aria-activedescendant). */
  inputProps: {
    "aria-autocomplete": "list";
    "aria-controls": string | undefined;
    "aria-activedescendant": string | undefined;
    onSelect: () => void;
  };
  /** Handles the key when the suggestions are open (arrows, Enter/Tab, Escape): true if it did. */
  keyDown(event: KeyboardEvent<HTMLTextAreaElement>): boolean;
  /** The list of suggestions, or nothing. */
  list: ReactNode;
}

/**
 * @-mention suggestions from the room's members while typing `@…` in a composer: ArrowUp and
 * ArrowDown move, Enter or Tab picks, Escape closes; the focus never leaves the textarea, the
 * highlighted option is its active descendant (the ARIA pattern for a textbox with a listbox).
 */
export function useMentionAutocomplete({ members, selfId, draft, setDraft, input }: Options): MentionAutocomplete {
  const listId = useId();
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  /** The mention start the user dismissed with Escape: closed until they type elsewhere. */
  const [dismissed, setDismissed] = useState<number | null>(null);
  const placeCaret = useRef<number | null>(null);
  const lastQuery = useRef<string | null>(null);

  const query = mentionQuery(draft, caret);
  const options = useMemo(() => (query ? matchMembers(members, query.query, selfId) : []), [members, query?.query, selfId]); // eslint-disable-line react-hooks/exhaustive-deps
  const open = query !== null && options.length > 0 && dismissed !== query.start;
  const current = Math.min(active, options.length - 1);
  const optionId = (i: number) => `${listId}-option-${i}`;

  useLayoutEffect(() => {
    const at = placeCaret.current;
    if (at === null || !input.current) return;
    placeCaret.current = null;
    input.current.setSelectionRange(at, at);
  }, [draft, input]);

  const track = () => {
    const element = input.current;
    if (!element) return;
    setCaret(element.selectionStart);
    const typed = mentionQuery(element.value, element.selectionStart);
    if (typed?.start !== dismissed) setDismissed(null);
    // Typing on narrows the list: the highlight goes back to its best match.
    const key = typed ? `${typed.start}:${typed.query}` : null;
    if (key !== lastQuery.current) setActive(0);
    lastQuery.current = key;
  };

  const pick = (candidate: MentionCandidate) => {
    if (!query) return;
    const next = insertMention(draft, query.start, caret, candidate.username);
    placeCaret.current = next.caret;
    setCaret(next.caret);
    setActive(0);
    setDraft(next.text);
  };

  const keyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (!open) return false;
    const chosen = options[current];
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      const step = event.key === "ArrowDown" ? 1 : -1;
      setActive((current + step + options.length) % options.length);
    } else if ((event.key === "Enter" || event.key === "Tab") && !event.shiftKey && chosen) {
      pick(chosen);
    } else if (event.key === "Escape") {
      // Closes the suggestions only, not the panel the composer may be in.
      event.stopPropagation();
      setDismissed(query.start);
    } else return false;
    event.preventDefault();
    return true;
  };

  const list = open ? (
    <ul id={listId} role="listbox" aria-label="People to mention" className="mention-list">
      {options.map((candidate, i) => (
        <li
          key={candidate.id}
          id={optionId(i)}
          role="option"
          aria-selected={i === current}
          className={i === current ? "active" : undefined}
          // Mouse down would move the focus out of the textarea: picked without it.
          onMouseDown={(event) => {
            event.preventDefault();
            pick(candidate);
          }}
        >
          <span className="mention-name">@{candidate.username}</span>
          {candidate.detail && <span className="muted"> {candidate.detail}</span>}
        </li>
      ))}
    </ul>
  ) : null;

  return {
    inputProps: {
      "aria-autocomplete": "list",
      "aria-controls": open ? listId : undefined,
      "aria-activedescendant": open ? optionId(current) : undefined,
      onSelect: track,
    },
    keyDown,
    list,
  };
}
