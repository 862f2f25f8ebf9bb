import { CombinedGraphQLErrors } from "@apollo/client";
import type { ErrorAnswer } from "./chat/send-failure";

/** The server's `extensions.code` of an Apollo error, if it is a GraphQL error. */
export function errorCode(error: unknown): string | undefined {
  return errorAnswer(error)?.code;
}

/** The first GraphQL error's code, message and extensions; null when no GraphQL answer came (network). */
export function errorAnswer(error: unknown): ErrorAnswer | null {
  if (!CombinedGraphQLErrors.is(error)) return null;
  const first = error.errors[0];
  const extensions = first?.extensions ?? {};
  const code = extensions["code"];
  return { code: typeof code === "string" ? code : undefined, message: first?.message ?? "Request failed.", extensions };
}

/** `extensions.reason` of a GraphQL error (CANNOT_RESUME, REMOVED, MESSAGE_DELETED…). */
export function errorReason(error: unknown): string | undefined {
  const reason = errorAnswer(error)?.extensions["reason"];
  return typeof reason === "string" ? reason : undefined;
}

/** A sentence a user can act on, for any error the API or network can give. */
export function describeError(error: unknown): string {
  const answer = errorAnswer(error);
  if (!answer) return NETWORK_ERROR;
  switch (answer.code) {
    case "RATE_LIMITED": {
      const seconds = Number(answer.extensions["retryAfterSeconds"] ?? 0);
      return `You are sending messages too fast. Try again in ${Math.max(1, Math.ceil(seconds))} seconds.`;
    }
    case "FORBIDDEN":
      if (answer.extensions["reason"] === "REMOVED") return REMOVED_EXPLANATION;
      return "You are not enrolled in this course.";
    case "UNAUTHENTICATED":
      return "Your session has expired. Please log in again.";
    case "INTERNAL_SERVER_ERROR":
      return "Something went wrong on the server. Please try again.";
    default:
      return answer.message;
  }
}

export const REMOVED_EXPLANATION =
  "A moderator removed you from this course. You cannot enrol again until the instructor or staff re-admit you.";

export const NETWORK_ERROR = "Cannot reach the server. Check your connection and try again.";
