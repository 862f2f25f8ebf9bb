import { describeError, errorAnswer } from "../errors";

/**
 * What a refused question action says: the server's own sentence for FORBIDDEN ("Only the asker
 * accepts an answer."), since here a refusal is about the rule, not about enrolment.
 */
export function questionError(caught: unknown): string {
  const answer = errorAnswer(caught);
  if (answer?.code === "FORBIDDEN" && !answer.extensions["reason"]) return answer.message;
  return describeError(caught);
}
