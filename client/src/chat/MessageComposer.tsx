import { useEffect, useId, useLayoutEffect, useRef, useState, type ClipboardEvent, type FormEvent, type KeyboardEvent, type ReactNode } from "react";
import { fenceIfCode, isSendKey } from "./compose";
import { useMentionAutocomplete } from "./MentionAutocomplete";
import type { MentionCandidate } from "./mention-query";

interface Props {
  /** Queues the message; false (or a promise of false) keeps the text in the composer. */
  onSend: (content: string) => boolean | Promise<boolean>;
  /** Why the reader cannot post (announcement-only); the composer is disabled when set. */
  disabledReason?: string | null;
  /** The Up arrow in an empty composer: edit my last message; true if there was one to edit. */
  onEditLast?: () => boolean;
  /** Who `@` suggests (the room's members). */
  members?: readonly MentionCandidate[];
  userId?: string;
  /** "Message" unless said (the thread panel's is "Reply"). */
  label?: string;
  placeholder?: string;
  /** Focus on mount; the thread panel's composer leaves the focus on its heading. */
  autoFocus?: boolean;
  /** Shown above the input, given what is typed (the question options and suggestions). */
  addon?: (draft: string) => ReactNode;
  /** A keystroke that leaves text in the composer (to tell the room the user is typing). */
  onType?: () => void;
}

const NO_MEMBERS: readonly MentionCandidate[] = [];

const MAX_ROWS_PX = 200;

export function MessageComposer({ onSend, disabledReason, onEditLast, members = NO_MEMBERS, userId, label = "Message", placeholder = "Write a message…", autoFocus = true, addon, onType }: Props) {
  const [draft, setDraft] = useState("");
  const input = useRef<HTMLTextAreaElement>(null);
  const id = useId();
  const mentions = useMentionAutocomplete({ members, selfId: userId ?? null, draft, setDraft, input });

  useEffect(() => {
    if (autoFocus) input.current?.focus();
  }, [autoFocus]);

  // Grows with its text up to a few lines, then scrolls.
  useLayoutEffect(() => {
    const element = input.current;
    if (!element) return;
    element.style.height = "auto";
    element.style.height = `${Math.min(element.scrollHeight + 2, MAX_ROWS_PX)}px`;
  }, [draft]);

  function submit(event?: FormEvent<HTMLFormElement>) {
    event?.preventDefault();
    input.current?.focus();
    if (disabledReason || !draft.trim()) return;
    const sent = draft;
    const result = onSend(sent);
    if (result === true) setDraft("");
    // Cleared once accepted, unless the user has typed on meanwhile.
    else if (result !== false) void result.then((ok) => ok && setDraft((current) => (current === sent ? "" : current)));
  }

  function keyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (mentions.keyDown(event)) return;
    if (event.key === "ArrowUp" && draft === "" && onEditLast?.()) return event.preventDefault();
    if (!isSendKey({ ...event, isComposing: event.nativeEvent.isComposing })) return;
    event.preventDefault();
    submit();
  }

  function paste(event: ClipboardEvent<HTMLTextAreaElement>) {
    const element = event.currentTarget;
    const fenced = fenceIfCode(event.clipboardData.getData("text/plain"), draft.slice(0, element.selectionStart));
    if (fenced === null) return;
    event.preventDefault();
    // execCommand keeps the browser's undo history; setRangeText where it is gone.
    if (!document.execCommand("insertText", false, fenced)) {
      element.setRangeText(fenced, element.selectionStart, element.selectionEnd, "end");
      setDraft(element.value);
    }
  }

  return (
    <form className="composer" onSubmit={submit}>
      {addon?.(draft)}
      <label htmlFor={id} className="visually-hidden">
        {label}
      </label>
      {mentions.list}
      <textarea
        id={id}
        ref={input}
        rows={1}
        value={draft}
        {...mentions.inputProps}
        onChange={(event) => {
          setDraft(event.target.value);
          if (event.target.value.trim()) onType?.();
          mentions.inputProps.onSelect();
        }}
        onKeyDown={keyDown}
        onPaste={paste}
        placeholder={placeholder}
        autoComplete="off"
        enterKeyHint="send"
        disabled={Boolean(disabledReason)}
        aria-describedby={`${id}-hint`}
      />
      <button type="submit" disabled={Boolean(disabledReason)}>
        Send
      </button>
      <p id={`${id}-hint`} className="composer-hint">
        {disabledReason ?? (
          <>
            Enter sends, Shift+Enter adds a line. <span className="wide-only">Markdown: **bold**, _italic_, `code`, ``` for code blocks.</span>
          </>
        )}
      </p>
    </form>
  );
}
