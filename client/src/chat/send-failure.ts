/** What went wrong with one send, as the outbox decides what to do next. */
export type SendFailure =
  /** No answer (offline, socket or server down, database restarting): send again on reconnect. */
  | { kind: "network"; reason: string }
  /** Flood or slow mode: send again by itself after the wait. */
  | { kind: "wait"; seconds: number; reason: string }
  /** Its original was deleted before the retry: drop it, with a note. */
  | { kind: "deleted"; reason: string }
  /** The session is over: keep it for after the next login. */
  | { kind: "unauthenticated"; reason: string }
  /** Refused for good (announcement-only, not a member, invalid): kept for the user to retry or discard. */
  | { kind: "refused"; code: string; reason: string };

/** A GraphQL error's parts the outbox reads; null when no GraphQL answer came at all. */
export interface ErrorAnswer {
  code: string | undefined;
  message: string;
  extensions: Record<string, unknown>;
}

export function classifySendError(answer: ErrorAnswer | null): SendFailure {
  if (!answer) return { kind: "network", reason: "Not sent yet: waiting for the connection." };
  const { code, extensions } = answer;
  switch (code) {
    case "RATE_LIMITED": {
      const seconds = Math.max(1, Math.ceil(Number(extensions["retryAfterSeconds"] ?? 1) || 1));
      return { kind: "wait", seconds, reason: "You are sending messages too fast." };
    }
    case "UNAUTHENTICATED":
      return { kind: "unauthenticated", reason: "Not sent: your session has expired. Log in again to send it." };
    case "BAD_USER_INPUT":
      if (extensions["reason"] === "MESSAGE_DELETED") {
        return { kind: "deleted", reason: "A message you sent was deleted before this device heard it was delivered, so it was not sent again." };
      }
      return { kind: "refused", code, reason: `Not sent: ${answer.message}` };
    case "FORBIDDEN":
      return { kind: "refused", code, reason: `Not sent: ${/announcement/i.test(answer.message) ? answer.message : "you are not a member of this room."}` };
    case "INTERNAL_SERVER_ERROR":
      // The database restarting says so, and the same send will go through shortly.
      if (extensions["retryable"] === true) return { kind: "network", reason: "Not sent yet: the server is busy, trying again." };
      return { kind: "refused", code, reason: "Not sent: something went wrong on the server." };
    default:
      return { kind: "refused", code: code ?? "UNKNOWN", reason: `Not sent: ${answer.message}` };
  }
}
