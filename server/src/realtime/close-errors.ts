import type { GraphQLFormattedError } from "graphql";
import { ErrorCode, ServiceUnavailableError } from "../errors.js";

/** How long a client over its connection quota is told to wait before it tries again. */
export const TOO_MANY_CONNECTIONS_RETRY_SECONDS = 5;

/**
 * The end of a connection, told as a GraphQL error, for the transports that cannot carry a
 * WebSocket close code (HTTP streams, the legacy subprotocol's connection_error): the same
 * codes a request would get, so a client reacts to them as it does to any other answer.
 */
export function closeError(code: number, reason: string): GraphQLFormattedError {
  switch (code) {
    case 4401:
      return {
        message:
          reason === "Token expired"
            ? "The token expired: renew it (or log in), then subscribe again with after."
            : "The token is invalid or no longer counts (expired, renewed, logged out, or its session ended): renew it or log in.",
        extensions: { code: ErrorCode.Unauthenticated },
      };
    case 4429:
      return {
        message: "Too many open connections for this user: close one, then try again.",
        extensions: { code: ErrorCode.RateLimited, reason: "TOO_MANY_CONNECTIONS", retryAfterSeconds: TOO_MANY_CONNECTIONS_RETRY_SECONDS },
      };
    case 1001:
      return {
        message: "This server instance is shutting down: subscribe again (another instance answers) and resume with after.",
        extensions: { code: ErrorCode.Internal, reason: "SERVICE_UNAVAILABLE", retryable: true },
      };
    case 1013: {
      const { message, extensions } = new ServiceUnavailableError().toJSON();
      return { message, ...(extensions ? { extensions } : {}) };
    }
    default:
      return { message: reason || "The connection was closed.", extensions: { code: ErrorCode.Internal } };
  }
}
