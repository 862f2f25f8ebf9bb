import { GraphQLError, type GraphQLFormattedError } from "graphql";
import type { Logger } from "pino";
import { isDatabaseUnavailable } from "./db/unavailable.js";

/** Every `extensions.code` the contract names. */
export const ErrorCode = {
  Unauthenticated: "UNAUTHENTICATED",
  Forbidden: "FORBIDDEN",
  BadUserInput: "BAD_USER_INPUT",
  RateLimited: "RATE_LIMITED",
  Internal: "INTERNAL_SERVER_ERROR",
  ParseFailed: "GRAPHQL_PARSE_FAILED",
  ValidationFailed: "GRAPHQL_VALIDATION_FAILED",
} as const;

const knownCodes = new Set<string>(Object.values(ErrorCode));
// Automatic persisted queries speak in these; clients retry with the full query on NOT_FOUND.
const protocolCodes = new Set(["PERSISTED_QUERY_NOT_FOUND", "PERSISTED_QUERY_NOT_SUPPORTED"]);
// Apollo's own names for a request that cannot be understood: the contract calls that bad input.
const requestCodes = new Set(["BAD_REQUEST", "OPERATION_RESOLUTION_FAILURE"]);

export class UnauthenticatedError extends GraphQLError {
  constructor(message = "You must be logged in with a valid token.") {
    super(message, { extensions: { code: ErrorCode.Unauthenticated, http: { status: 401 } } });
  }
}

/** One message for "no such course" and "not a member": probing learns nothing. */
export class ForbiddenError extends GraphQLError {
  constructor(message = "You are not allowed to do this.") {
    super(message, { extensions: { code: ErrorCode.Forbidden } });
  }
}

export class BadUserInputError extends GraphQLError {
  constructor(message: string, field?: string) {
    super(message, { extensions: { code: ErrorCode.BadUserInput, ...(field ? { field } : {}) } });
  }
}

/**
 * `after` names no point in this room's history (a cursor from the future or from another
 * course): the client must reload history instead of resuming, or it would miss messages.
 */
export class CannotResumeError extends GraphQLError {
  constructor() {
    super("Cannot resume from that cursor: reload the room's history.", {
      extensions: { code: ErrorCode.BadUserInput, field: "after", reason: "CANNOT_RESUME" },
    });
  }
}

/**
 * The database cannot be reached right now (down, restarting, out of connections): nothing
 * about the request is wrong, and the same operation may succeed when retried shortly.
 */
export class ServiceUnavailableError extends GraphQLError {
  /** `asHttpStatus`: a request that cannot start at all (no user lookup) answers 503, not 500. */
  constructor(asHttpStatus = false) {
    super("The service is temporarily unavailable: try again shortly.", {
      extensions: {
        code: ErrorCode.Internal,
        reason: "SERVICE_UNAVAILABLE",
        retryable: true,
        ...(asHttpStatus ? { http: { status: 503, headers: new Map([["retry-after", "1"]]) } } : {}),
      },
    });
  }
}

export class RateLimitedError extends GraphQLError {
  constructor(
    readonly retryAfterSeconds: number,
    message = `Too many messages: try again in ${retryAfterSeconds} s.`,
  ) {
    super(message, {
      extensions: { code: ErrorCode.RateLimited, retryAfterSeconds },
    });
  }
}

export function codeOf(error: GraphQLFormattedError | GraphQLError): string | undefined {
  const code = error.extensions?.["code"];
  return typeof code === "string" ? code : undefined;
}

/** Apollo refuses some requests (an APQ hash that does not match its query) with a 4xx and no code. */
function isBareClientError(error: unknown): boolean {
  if (!(error instanceof GraphQLError) || error.extensions["code"] !== undefined) return false;
  const status = (error.extensions["http"] as { status?: number } | undefined)?.status;
  return status !== undefined && status >= 400 && status < 500;
}

/**
 * The one place errors leave the server, for HTTP and WebSocket alike: our own codes pass,
 * anything else is logged whole and masked (in production without any internal detail).
 */
export function makeErrorFormatter(logger: Logger, production: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = codeOf(formatted);
    if ((code && requestCodes.has(code)) || isBareClientError(error)) {
      return { message: formatted.message, extensions: { code: ErrorCode.BadUserInput } };
    }
    if (code && (knownCodes.has(code) || protocolCodes.has(code)) && code !== ErrorCode.Internal) {
      const { http: _http, stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    const cause = error instanceof GraphQLError ? (error.originalError ?? error) : error;
    if (cause instanceof ServiceUnavailableError || isDatabaseUnavailable(cause)) {
      // Says so even in production: the client should retry, not report a bug.
      logger.warn({ err: cause }, "database unavailable");
      const { message, extensions } = new ServiceUnavailableError().toJSON();
      return { message, ...(formatted.path ? { path: formatted.path } : {}), extensions };
    }
    logger.error({ err: cause }, "unexpected error");
    return {
      message: production ? "Internal server error" : formatted.message,
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: ErrorCode.Internal },
    };
  };
}
