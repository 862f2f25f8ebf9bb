import { useId, useState, type FormEvent } from "react";
import { AnswerQuestionDocument } from "./operations";
import { useQuestionAction } from "./useQuestionAction";

interface Props {
  courseId: string;
  questionId: string;
  /** Offered to students: classmates see a pseudonym for this thread. */
  anonymousAllowed: boolean;
  onDone: () => void;
}

/** Answers a question: a reply in its thread. The text stays if the server refuses it. */
export function AnswerForm({ courseId, questionId, anonymousAllowed, onDone }: Props) {
  const id = useId();
  const [text, setText] = useState("");
  const [anonymous, setAnonymous] = useState(false);
  const { busy, error, run } = useQuestionAction();

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const content = text.trim();
    if (!content) return;
    const ok = await run(AnswerQuestionDocument, {
      courseId,
      content,
      replyToId: questionId,
      clientMessageId: crypto.randomUUID(),
      anonymous: anonymousAllowed && anonymous,
    });
    if (ok) onDone();
  }

  return (
    <form className="answer-form" onSubmit={(event) => void submit(event)}>
      <label htmlFor={`${id}-text`}>Your answer</label>
      <textarea id={`${id}-text`} rows={2} value={text} onChange={(event) => setText(event.target.value)} autoFocus />
      <div className="answer-form-row">
        {anonymousAllowed && (
          <label className="check">
            <input type="checkbox" checked={anonymous} onChange={(event) => setAnonymous(event.target.checked)} /> Anonymous to classmates
          </label>
        )}
        <button type="submit" className="small" disabled={busy || !text.trim()}>
          {busy ? "Posting…" : "Post answer"}
        </button>
        <button type="button" className="secondary small" onClick={onDone}>
          Cancel
        </button>
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </form>
  );
}
