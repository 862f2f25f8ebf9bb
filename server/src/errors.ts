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
  /** `reason` only where telling it discloses nothing the caller does not know (their own removal). */
  constructor(message = "You are not allowed to do this.", reason?: string) {
    super(message, { extensions: { code: ErrorCode.Forbidden, ...(reason ? { reason } : {}) } });
  }
}

export class BadUserInputError extends GraphQLError {
  constructor(message: string, field?: string, reason?: string) {
    super(message, { extensions: { code: ErrorCode.BadUserInput, ...(field ? { field } : {}), ...(reason ? { reason } : {}) } });
  }
}

/**
 * `after` names no point in this room's history (a cursor from the future or from another
 * course): the client must reload history instead of resuming, or it would miss messages.
 */
export class CannotResumeError extends GraphQLError {
  constructor() {
    super("Cannot resume from that cursor (from another room, from the future, or too far back): reload the room's history.", {
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

/** Where a client can subscribe instead: a WebSocket subprotocol, or a streaming HTTP media type. */
export interface SubscriptionTransport {
  protocol: string;
  path: string;
  /** "websocket": open a WebSocket with `protocol` as its subprotocol; "http": send `Accept: <accept>`. */
  transport: "websocket" | "http";
  accept?: string;
}

/**
 * A subscription sent as a plain HTTP request: its events need a streaming transport. 406, as
 * for any request whose Accept names no format the answer could take.
 */
export class SubscriptionTransportError extends GraphQLError {
  constructor(transports: SubscriptionTransport[]) {
    const named = transports.map((t) => (t.transport === "websocket" ? `a WebSocket at ${t.path} (subprotocol ${t.protocol})` : `${t.protocol} (Accept: ${t.accept})`));
    super(`Subscriptions are not served as plain HTTP requests: subscribe over ${named.join(" or ")}.`, {
      extensions: { code: ErrorCode.BadUserInput, reason: "SUBSCRIPTION_TRANSPORT_REQUIRED", transports, http: { status: 406 } },
    });
  }
}

/**
 * The server runs only the operations of its trusted-documents manifest, and this is not
 * one of them: a document that cannot run, like one that does not validate.
 */
export class UntrustedDocumentError extends GraphQLError {
  constructor() {
    super("This server runs only its listed operations: send one by its id (extensions.persistedQuery.sha256Hash) or its exact text from the manifest.", {
      extensions: { code: ErrorCode.ValidationFailed, reason: "UNTRUSTED_DOCUMENT" },
    });
  }
}

/** A document named by an id the server does not know; Apollo's clients match on this message and code. */
export class PersistedQueryNotFoundError extends GraphQLError {
  constructor() {
    super("PersistedQueryNotFound", { extensions: { code: "PERSISTED_QUERY_NOT_FOUND" } });
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
