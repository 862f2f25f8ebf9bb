/**
 * Who may do what with a question, as the server decides it (server/src/questions and
 * messages/message.service.ts): the UI offers only what the server would accept.
 */
export interface Viewer {
  id: string;
  role: string;
  /** The course's instructor, or staff. */
  moderator: boolean;
}

export interface QuestionLike {
  user: { id: string };
  kind?: string | null;
  question?: { status: string } | null;
  answer?: unknown;
}

/** Students only, for a question or an answer to one; never those who moderate the room. */
export const mayPostAnonymously = (viewer: Viewer) => viewer.role === "Student" && !viewer.moderator;

/** Private to staff means something for those who are not staff already. */
export const mayAskPrivately = (viewer: Viewer) => !viewer.moderator;

export const mayEndorse = (viewer: Viewer, message: QuestionLike) => viewer.moderator && Boolean(message.answer);

/** Only the asker accepts; a classmate of an anonymous asker sees a pseudonym's id, never their own. */
export const mayAccept = (viewer: Viewer, message: QuestionLike, root: QuestionLike | undefined) =>
  Boolean(message.answer) && root !== undefined && root.user.id === viewer.id;

export const mayResolve = (viewer: Viewer, question: QuestionLike) =>
  question.kind === "QUESTION" && (viewer.moderator || question.user.id === viewer.id);

export const STATUS_LABEL: Record<string, string> = { OPEN: "Open", ANSWERED: "Answered", RESOLVED: "Resolved" };
