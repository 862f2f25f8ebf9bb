import type { Request } from "express";
import type { GraphQLFormattedError } from "graphql";
import type { SubscriptionTransport } from "../errors.js";

/** How one streaming HTTP protocol frames results, heartbeats and its end. */
export interface StreamFraming {
  readonly name: string;
  readonly describe: SubscriptionTransport;
  /** Whether it serves this request (see HttpStreamingTransport.takes). */
  takes(req: Request, subscription: boolean): boolean;
  readonly headers: Record<string, string>;
  /** Written first, with the headers. */
  readonly opening: string;
  readonly heartbeat: string;
  /** `payload` is the JSON text of an ExecutionResult. */
  next(payload: string): string;
  /** The operation failed as a whole: its errors, and the end of the stream. */
  failed(errors: readonly GraphQLFormattedError[]): string;
  /** The connection ends from the server's side (credentials, shutdown): why, and the end. */
  ended(error: GraphQLFormattedError): string;
  /** The operation completed: the end of the stream. */
  readonly completion: string;
  /** A refused admission is an HTTP error status (true), or told inside an accepted stream. */
  readonly refusesWithStatus: boolean;
}

const MULTIPART_ACCEPT = /(^|,)\s*multipart\/mixed\s*;[^,]*subscriptionSpec\s*=\s*"?1\.0"?/i;
const EVENT_STREAM_ACCEPT = /(^|,)\s*text\/event-stream\s*(;|,|$)/i;

const part = (json: string) => `\r\ncontent-type: application/json\r\n\r\n${json}\r\n--graphql`;

/**
 * Apollo's multipart subscriptions (Apollo Client's HttpLink, Apollo iOS 2, Apollo Kotlin's
 * HTTP transport): every part is written whole with the boundary that closes it, so a client
 * reads it at once; the part header is in lower case without parameters, as Apollo iOS 1
 * compares it; heartbeats are `{}`; a transport-level end is `{"payload":null,"errors":[…]}`.
 */
export const multipart: StreamFraming = {
  name: "multipart",
  describe: { protocol: "multipart-subscriptions", transport: "http", path: "/graphql", accept: "multipart/mixed;subscriptionSpec=1.0" },
  takes: (req, subscription) => subscription && MULTIPART_ACCEPT.test(req.headers.accept ?? ""),
  headers: { "content-type": 'multipart/mixed;boundary="graphql";subscriptionSpec=1.0' },
  opening: "--graphql",
  heartbeat: part("{}"),
  next: (payload) => part(`{"payload":${payload}}`),
  failed: (errors) => `${part(JSON.stringify({ payload: { errors } }))}--`,
  ended: (error) => `${part(JSON.stringify({ payload: null, errors: [error] }))}--`,
  completion: "--",
  refusesWithStatus: true,
};

/**
 * GraphQL over Server-Sent Events, distinct connections mode (the graphql-sse protocol): one
 * request, one operation, `next` events then `complete`. Everything that goes wrong, its
 * admission included, is a `next` event carrying errors, as the protocol asks: a client's
 * EventSource would learn nothing from an error status. It takes subscriptions whose Accept
 * names text/event-stream (urql lists it for every request), and any operation from a client
 * that prefers it (graphql-sse's client sends queries this way too).
 */
export const serverSentEvents: StreamFraming = {
  name: "sse",
  describe: { protocol: "graphql-sse", transport: "http", path: "/graphql", accept: "text/event-stream" },
  takes: (req, subscription) =>
    (subscription && EVENT_STREAM_ACCEPT.test(req.headers.accept ?? "")) || req.accepts(["application/json", "application/graphql-response+json", "text/event-stream"]) === "text/event-stream",
  headers: { "content-type": "text/event-stream; charset=utf-8", connection: "keep-alive" },
  // A comment: some browsers show no stream until its first bytes.
  opening: ":\n\n",
  heartbeat: ":\n\n",
  next: (payload) => `event: next\ndata: ${payload}\n\n`,
  failed: (errors) => `event: next\ndata: ${JSON.stringify({ errors })}\n\nevent: complete\ndata:\n\n`,
  ended: (error) => `event: next\ndata: ${JSON.stringify({ errors: [error] })}\n\nevent: complete\ndata:\n\n`,
  completion: "event: complete\ndata:\n\n",
  refusesWithStatus: false,
};
