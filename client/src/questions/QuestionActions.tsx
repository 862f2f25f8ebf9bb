import { useState } from "react";
import type { ChatMessageFragment } from "../gql/graphql";
import { AnswerForm } from "./AnswerForm";
import { AcceptAnswerDocument, EndorseAnswerDocument, ReopenQuestionDocument, ResolveQuestionDocument } from "./operations";
import { useQuestionRoom } from "./QuestionRoom";
import { mayAccept, mayEndorse, mayPostAnonymously, mayResolve } from "./rules";
import { useQuestionAction } from "./useQuestionAction";

/**
 * Under a question: answer, resolve or reopen; under an answer: endorse, accept. Only what the
 * reader may do is offered; a refusal from the server is shown beside the buttons.
 */
export function QuestionActions({ message }: { message: ChatMessageFragment }) {
  const room = useQuestionRoom();
  const [answering, setAnswering] = useState(false);
  const { busy, error, run } = useQuestionAction();
  if (!room || (!message.question && !message.answer)) return null;
  const { viewer, courseId } = room;
  const root = message.threadRootId ? room.messageById(message.threadRootId) : undefined;
  const messageId = message.id;
  const buttons = [];

  if (message.question) {
    buttons.push(
      <button key="answer" type="button" className="link q-action" aria-expanded={answering} onClick={() => setAnswering((a) => !a)}>
        Answer
      </button>,
    );
    if (mayResolve(viewer, message)) {
      buttons.push(
        message.question.status === "RESOLVED" ? (
          <button key="reopen" type="button" className="link q-action" disabled={busy} onClick={() => void run(ReopenQuestionDocument, { messageId })}>
            Reopen
          </button>
        ) : (
          <button key="resolve" type="button" className="link q-action" disabled={busy} onClick={() => void run(ResolveQuestionDocument, { messageId })}>
            Mark resolved
          </button>
        ),
      );
    }
  }
  if (message.answer && mayEndorse(viewer, message)) {
    const endorsed = message.answer.endorsed;
    buttons.push(
      <button key="endorse" type="button" className="link q-action" disabled={busy} onClick={() => void run(EndorseAnswerDocument, { messageId, endorsed: !endorsed })}>
        {endorsed ? "Remove endorsement" : "Endorse"}
      </button>,
    );
  }
  if (message.answer && mayAccept(viewer, message, root)) {
    const accepted = message.answer.accepted;
    buttons.push(
      <button key="accept" type="button" className="link q-action" disabled={busy} onClick={() => void run(AcceptAnswerDocument, { messageId, accepted: !accepted })}>
        {accepted ? "Unaccept" : "Accept answer"}
      </button>,
    );
  }
  if (buttons.length === 0) return null;

  return (
    <div className="question-actions">
      <div className="question-actions-row">{buttons}</div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {answering && message.question && (
        <AnswerForm courseId={courseId} questionId={messageId} anonymousAllowed={mayPostAnonymously(viewer)} onDone={() => setAnswering(false)} />
      )}
    </div>
  );
}
