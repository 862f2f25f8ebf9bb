import { useMemo } from "react";
import type { ChatMessageFragment } from "../gql/graphql";
import { Link } from "../router";
import type { QuestionRoomValue } from "./QuestionRoom";
import { mayAskPrivately, mayPostAnonymously, type Viewer } from "./rules";
import { useAskQuestion } from "./useAskQuestion";

type Item = { kind: "message"; id: string; message: ChatMessageFragment } | { kind: "deleted"; id: string };

/** Everything the room page wires in for questions: the badges' context, the ask mode, the queue link. */
export function useQuestionRoomValue(courseId: string, user: { id: string; role: string }, moderator: boolean, items: readonly Item[]) {
  const viewer: Viewer = useMemo(() => ({ id: user.id, role: user.role, moderator }), [user.id, user.role, moderator]);
  const byId = useMemo(() => {
    const map = new Map<string, ChatMessageFragment>();
    for (const item of items) if (item.kind === "message" && item.message.kind === "QUESTION") map.set(item.id, item.message);
    return map;
  }, [items]);
  const value: QuestionRoomValue = useMemo(() => ({ courseId, viewer, messageById: (id) => byId.get(id) }), [courseId, viewer, byId]);
  const options = { anonymousAllowed: mayPostAnonymously(viewer), privateAllowed: mayAskPrivately(viewer) };
  const ask = useAskQuestion(courseId, options);
  const queueLink = moderator ? (
    // Short, so the room header stays one line on a phone.
    <Link to={`/courses/${courseId}/questions`} className="queue-link" title="The open questions of this course">
      Questions
    </Link>
  ) : null;
  return { value, ask, options, queueLink };
}
