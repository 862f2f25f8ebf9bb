import { useQuery } from "@apollo/client/react";
import { useUser } from "../auth/session";
import { useNow } from "../chat/useNow";
import { CourseDocument } from "../courses/operations";
import type { QueueQuestionFragment } from "../gql/graphql";
import { Link } from "../router";
import { ResolveQuestionDocument } from "./operations";
import { waited } from "./queue";
import { useQuestionAction } from "./useQuestionAction";
import { useQuestionQueue } from "./useQuestionQueue";

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** The staff queue of one course: its unanswered questions, oldest first, live. */
export function QuestionQueuePage({ courseId }: { courseId: string }) {
  const user = useUser();
  const { data } = useQuery(CourseDocument, { variables: { id: courseId } });
  const queue = useQuestionQueue(courseId);
  const now = useNow(30_000);
  const title = data?.course?.title;

  if (queue.status === "forbidden") {
    return (
      <main>
        <h1>Question queue</h1>
        <p className="notice">Only the course&apos;s instructor and staff see its question queue.</p>
        <p>
          <Link to={`/courses/${courseId}/chat`}>Back to the chat room</Link>
        </p>
      </main>
    );
  }

  return (
    <main className="question-queue">
      <h1>Open questions{title ? `: ${title}` : ""}</h1>
      <p>
        <Link to={`/courses/${courseId}/chat`}>Back to the chat room</Link>
      </p>
      {queue.error && (
        <p role="alert" className="error">
          {queue.error}
        </p>
      )}
      {queue.status === "loading" && <p>Loading questions…</p>}
      {queue.status === "ready" && (
        <>
          <p className="muted" aria-live="polite">
            {queue.questions.length === 0
              ? "No question is waiting for an answer."
              : `${queue.questions.length}${queue.hasMore ? "+" : ""} waiting for an answer, oldest first.`}
          </p>
          <ol className="queue-list" aria-label="Open questions">
            {queue.questions.map((question) => (
              <QueueItem key={question.id} question={question} now={now} viewerId={user.id} />
            ))}
          </ol>
          {queue.hasMore && (
            <button type="button" className="secondary" onClick={() => void queue.loadMore()}>
              Show more questions
            </button>
          )}
        </>
      )}
    </main>
  );
}

function QueueItem({ question, now, viewerId }: { question: QueueQuestionFragment; now: number; viewerId: string }) {
  const { busy, error, run } = useQuestionAction();
  const askedAt = question.question?.askedAt ?? question.sentOn;
  const seconds = (now - Date.parse(askedAt)) / 1000;
  const who = question.user.id === viewerId ? "you" : question.user.username;
  return (
    <li className="queue-item" data-question-id={question.id}>
      <p className="queue-content">{question.content}</p>
      <p className="queue-meta">
        <span>
          Asked by <span className="sender">{who}</span>
        </span>
        {question.anonymous && <span className="q-badge q-anonymous">Anonymous to classmates</span>}
        {question.question?.private && <span className="q-badge q-private">Private to staff</span>}
        <span>
          waiting <span className="queue-wait">{waited(seconds)}</span> (since <time dateTime={askedAt}>{timeFormat.format(new Date(askedAt))}</time>)
        </span>
        {question.replyCount > 0 && <span>{question.replyCount === 1 ? "1 reply" : `${question.replyCount} replies`}</span>}
      </p>
      <p className="queue-actions">
        <Link to={`/courses/${question.courseId}/chat`}>Answer in the room</Link>
        <button type="button" className="secondary small" disabled={busy} onClick={() => void run(ResolveQuestionDocument, { messageId: question.id })}>
          Mark resolved
        </button>
      </p>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </li>
  );
}
