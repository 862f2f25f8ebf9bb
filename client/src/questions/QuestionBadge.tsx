import type { ChatMessageFragment } from "../gql/graphql";
import { useQuestionRoom } from "./QuestionRoom";
import { STATUS_LABEL } from "./rules";

/**
 * A question's status (open, answered, resolved) and whether it is private; an answer's
 * endorsement and acceptance; and, for an anonymous post, what the reader should know: its
 * author that classmates do not see their name, staff that classmates see a pseudonym.
 */
export function QuestionBadge({ message }: { message: ChatMessageFragment }) {
  const room = useQuestionRoom();
  const { question, answer } = message;
  if (!question && !answer && !message.anonymous) return null;
  const mine = room !== null && message.user.id === room.viewer.id;
  const anonymity = !message.anonymous
    ? null
    : mine
      ? question
        ? "You asked anonymously"
        : "You answered anonymously"
      : room?.viewer.moderator
        ? "Anonymous to classmates"
        : "Anonymous";
  return (
    <span className="question-badges">
      {question && (
        <>
          <span className="q-badge q-kind">Question</span>
          <span className={`q-badge q-status q-${question.status.toLowerCase()}`} data-status={question.status}>
            {STATUS_LABEL[question.status] ?? question.status}
          </span>
          {question.private && <span className="q-badge q-private">Private to staff</span>}
        </>
      )}
      {answer && <span className="q-badge q-kind">Answer</span>}
      {answer?.accepted && <span className="q-badge q-accepted">Accepted answer</span>}
      {answer?.endorsed && <span className="q-badge q-endorsed">Endorsed</span>}
      {anonymity && <span className="q-badge q-anonymous">{anonymity}</span>}
    </span>
  );
}
