/** A GraphQL-shaped result that the result pane shows as plain words. */
export function problem(message: string, code?: string): { errors: { message: string; extensions?: { code: string } }[] } {
  return { errors: [{ message, ...(code ? { extensions: { code } } : {}) }] };
}

export const TOKEN_DROPPED = "The server refused your token (it expired or is invalid), so it was dropped. Log in again for anything that needs a user.";

export const HEADER_REFUSED =
  "The server refused the Authorization header in the Headers tab (the token expired or is invalid): this ran without it. Replace or remove it.";

const LOG_IN_FIRST = "Subscriptions need a logged-in user: log in first (at the top of the page, or paste a token), then run the subscription again.";

/** What a WebSocket close code means for someone in the playground (docs/clients.md lists them all). */
export function closeMessage(code: number, reason: string, hadToken: boolean): { message: string; code?: string } {
  switch (code) {
    case 4401:
      return hadToken ? { message: `${TOKEN_DROPPED} Then run the subscription again.`, code: "UNAUTHENTICATED" } : { message: LOG_IN_FIRST, code: "UNAUTHENTICATED" };
    case 4403:
      return { message: "The server refused this connection.", code: "FORBIDDEN" };
    case 4429:
      return { message: "Too many open connections for this user: close other tabs or rooms, then run again.", code: "RATE_LIMITED" };
    case 4408:
      return { message: "The connection took too long to start: run again." };
    case 1009:
      return { message: "The operation is too large to send over the WebSocket." };
    case 1001:
    case 1012:
      return { message: "The server is restarting: run the subscription again in a moment." };
    case 1013:
      return { message: "The server cannot take this right now (its database may be unavailable): try again shortly." };
    case 4400:
      return { message: `The server did not understand a message: ${reason || "protocol error"}.` };
    case 1006:
      return { message: "Could not connect to the server's WebSocket: check that the server is running, then run again." };
    default:
      return { message: `The connection closed (${code}${reason ? `: ${reason}` : ""}).` };
  }
}
