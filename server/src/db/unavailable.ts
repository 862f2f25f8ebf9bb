import { ConnectionException } from "@mikro-orm/core";

// The socket could not be opened or was lost: the database is down, restarting or unreachable.
const networkCodes = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN"]);
// SQLSTATE class 08 (connection exception), 57P01-57P03 (admin/crash shutdown, cannot connect
// now: starting up or shutting down), 53300 (too many connections).
const retryableStates = /^(08...|57P0[123]|53300)$/;
// pg and knex say it in words only: a lost client, or no pool connection in time. When the
// connection drops under a transaction's BEGIN, knex marks the transaction complete and refuses
// the callback's first query with "Transaction query already complete" instead of the cause.
const lostConnection = /Connection terminated|is not queryable|Timeout acquiring a connection|Connection ended unexpectedly|Transaction query already complete/;

/**
 * True when an error means "the database cannot be reached right now" rather than anything
 * about the request: the client may retry the same operation shortly. Follows `cause`,
 * `originalError` and AggregateError's `errors`, since drivers and GraphQL wrap what they catch.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 5) return false;
  if (error instanceof ConnectionException || error.name === "KnexTimeoutError") return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && (networkCodes.has(code) || retryableStates.test(code))) return true;
  if (lostConnection.test(error.message)) return true;
  const { cause, originalError, errors } = error as { cause?: unknown; originalError?: unknown; errors?: unknown };
  const nested = [cause, originalError, ...(Array.isArray(errors) ? errors : [])];
  return nested.some((inner) => inner !== error && isDatabaseUnavailable(inner, depth + 1));
}
