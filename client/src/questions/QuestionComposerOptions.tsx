import { useId } from "react";
import { STATUS_LABEL } from "./rules";
import type { AskQuestion } from "./useAskQuestion";
import { useSimilarQuestions } from "./useSimilarQuestions";

interface Props {
  courseId: string;
  ask: AskQuestion;
  draft: string;
  anonymousAllowed: boolean;
  privateAllowed: boolean;
  disabled: boolean;
}

const preview = (text: string) => (text.length > 140 ? `${text.slice(0, 140)}…` : text);

/** Beside the composer: the "Question" toggle, its options, and similar questions while typing one. */
export function QuestionComposerOptions({ courseId, ask, draft, anonymousAllowed, privateAllowed, disabled }: Props) {
  const similar = useSimilarQuestions(courseId, draft, ask.asking);
  const headingId = useId();
  return (
    <div className="question-options">
      <div className="question-options-row">
        <button type="button" className="secondary small" aria-pressed={ask.asking} disabled={disabled} onClick={() => ask.setAsking(!ask.asking)}>
          Question
        </button>
        {ask.asking && anonymousAllowed && (
          <label className="check">
            <input type="checkbox" checked={ask.anonymous} onChange={(event) => ask.setAnonymous(event.target.checked)} /> Anonymous to classmates
          </label>
        )}
        {ask.asking && privateAllowed && (
          <label className="check">
            <input type="checkbox" checked={ask.private} onChange={(event) => ask.setPrivate(event.target.checked)} /> Private to staff
          </label>
        )}
        {ask.asking && (
          <span className="muted small-text">
            {ask.private ? "Only the instructor and staff will see it." : ask.anonymous ? "Classmates see a pseudonym; the instructor and staff see your name." : "Your question gets a status and answers."}
          </span>
        )}
      </div>
      {ask.error && (
        <p role="alert" className="error">
          {ask.error}
        </p>
      )}
      <div aria-live="polite">
        {similar.length > 0 && (
          <section className="similar-questions" aria-labelledby={headingId}>
            <h2 id={headingId}>Similar questions already asked</h2>
            <ul aria-label="Similar questions">
              {similar.map((question) => (
                <li key={question.id}>
                  <span className={`q-badge q-status q-${question.question?.status.toLowerCase() ?? "open"}`}>{STATUS_LABEL[question.question?.status ?? "OPEN"]}</span>{" "}
                  {preview(question.content)}
                </li>
              ))}
            </ul>
          </section>
        )}
      </div>
    </div>
  );
}
