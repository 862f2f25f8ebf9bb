import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import { isSendKey } from "./compose";

interface Props {
  content: string;
  /** Saves; resolves null once saved, or why it was not (shown, the editor stays open). */
  onSave: (content: string) => Promise<string | null>;
  /** Closed: saved, cancelled or unchanged. */
  onDone: () => void;
}

/** Edits a message in place: Enter saves, Shift+Enter adds a line, Escape cancels. */
export function MessageEditor({ content, onSave, onDone }: Props) {
  const [draft, setDraft] = useState(content);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  const id = useId();

  useEffect(() => {
    const element = input.current;
    if (!element) return;
    element.focus();
    element.setSelectionRange(element.value.length, element.value.length);
  }, []);

  async function save() {
    if (saving) return;
    if (draft.trim() === content.trim()) return onDone();
    setSaving(true);
    const problem = await onSave(draft);
    setSaving(false);
    if (problem) setError(problem);
    else onDone();
  }

  function keyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === "Escape") {
      // Cancels the edit only, not the panel the message may be in.
      event.preventDefault();
      event.stopPropagation();
      onDone();
    } else if (isSendKey({ ...event, isComposing: event.nativeEvent.isComposing })) {
      event.preventDefault();
      void save();
    }
  }

  return (
    <div className="message-editor">
      <label htmlFor={id} className="visually-hidden">
        Edit
      </label>
      <textarea
        id={id}
        ref={input}
        value={draft}
        rows={Math.min(8, Math.max(2, draft.split("\n").length))}
        onChange={(event) => setDraft(event.target.value)}
        onKeyDown={keyDown}
        aria-describedby={`${id}-hint`}
        aria-invalid={error ? true : undefined}
        aria-errormessage={error ? `${id}-error` : undefined}
      />
      {error && (
        <p id={`${id}-error`} className="error" role="alert">
          {error}
        </p>
      )}
      <div className="editor-actions">
        <span id={`${id}-hint`} className="muted">
          Enter saves, Escape cancels.
        </span>
        <button type="button" className="secondary small" onClick={onDone}>
          Cancel
        </button>
        <button type="button" className="small" onClick={() => void save()} disabled={saving}>
          {saving ? "Saving…" : "Save"}
        </button>
      </div>
    </div>
  );
}
