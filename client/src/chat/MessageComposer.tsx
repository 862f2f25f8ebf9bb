import { useEffect, useId, useRef, useState, type FormEvent } from "react";

interface Props {
  onSend: (content: string) => Promise<boolean>;
  /** Why the reader cannot post (announcement-only); the composer is disabled when set. */
  disabledReason?: string | null;
}

export function MessageComposer({ onSend, disabledReason }: Props) {
  const [draft, setDraft] = useState("");
  const input = useRef<HTMLInputElement>(null);
  // Sends one at a time, in the order typed, while the input is already free for the next one.
  const queue = useRef<Promise<void>>(Promise.resolve());
  const id = useId();

  useEffect(() => input.current?.focus(), []);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (disabledReason) return;
    const content = draft;
    input.current?.focus();
    if (!content.trim()) return;
    setDraft("");
    queue.current = queue.current.then(async () => {
      const sent = await onSend(content);
      // A refused message comes back into the input, unless the user already typed another.
      if (!sent) setDraft((current) => current || content);
    });
  }

  return (
    <form className="composer" onSubmit={submit}>
      <label htmlFor={id} className="visually-hidden">
        Message
      </label>
      <input
        id={id}
        ref={input}
        value={draft}
        onChange={(event) => setDraft(event.target.value)}
        placeholder="Write a message…"
        autoComplete="off"
        enterKeyHint="send"
        disabled={Boolean(disabledReason)}
        aria-describedby={disabledReason ? `${id}-why` : undefined}
      />
      <button type="submit" disabled={Boolean(disabledReason)}>
        Send
      </button>
      {disabledReason && (
        <span id={`${id}-why`} className="visually-hidden">
          {disabledReason}
        </span>
      )}
    </form>
  );
}
