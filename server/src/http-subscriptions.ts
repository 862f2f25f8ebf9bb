import type { ApolloServerPlugin } from "@apollo/server";
import type { Request, RequestHandler } from "express";
import { getOperationAST, parse } from "graphql";
import { SubscriptionTransportError, type SubscriptionTransport } from "./errors.js";

/**
 * A transport that streams over HTTP (Apollo's multipart subscriptions, graphql-sse), chosen by
 * what the request asks for, most often its Accept header. It runs before Apollo, which answers
 * one JSON document per request and so cannot serve a subscription.
 */
export interface HttpStreamingTransport {
  /** How clients reach it, for the error that lists where a subscription works. */
  describe: SubscriptionTransport;
  /**
   * Whether it takes this request. `subscription` is known when the document came with the
   * request (not for a hash-only persisted query). A transport may take queries too, or leave
   * them to Apollo: urql, for one, lists `text/event-stream` in the Accept of every request.
   */
  takes(req: Request, subscription: boolean): boolean;
  handle: RequestHandler;
}

export interface HttpSubscriptionsOptions {
  streaming: HttpStreamingTransport[];
  /** Transports outside HTTP's request/response, e.g. the WebSocket at /graphql. */
  elsewhere: SubscriptionTransport[];
  maxTokens: number;
}

/** `graphql-transport-ws` over a WebSocket at `path`. */
export const graphqlTransportWs = (path: string): SubscriptionTransport => ({ protocol: "graphql-transport-ws", transport: "websocket", path });

/** The legacy `graphql-ws` subprotocol (subscriptions-transport-ws) over a WebSocket at `path`. */
export const legacyGraphqlWs = (path: string): SubscriptionTransport => ({ protocol: "graphql-ws", transport: "websocket", path });

/**
 * Whether the request's own document runs a subscription. Parsed only when the keyword is in
 * it (every subscription operation spells it): queries and mutations pay a substring search.
 */
export function isSubscriptionRequest(req: Request, maxTokens: number): boolean {
  const params: unknown = req.method === "POST" ? req.body : req.method === "GET" ? req.query : undefined;
  if (!params || typeof params !== "object") return false;
  const { query, operationName } = params as Record<string, unknown>;
  if (typeof query !== "string" || !query.includes("subscription")) return false;
  try {
    const document = parse(query, { maxTokens, noLocation: true });
    return getOperationAST(document, typeof operationName === "string" ? operationName : undefined)?.operation === "subscription";
  } catch {
    return false; // Apollo says why
  }
}

/**
 * Subscriptions over HTTP: a streaming transport that takes the request serves it; any other
 * subscription gets a 406 naming the transports that work, before Apollo would run it (and
 * crash its resolver, which expects an event). `plugin` is the same refusal inside Apollo, for
 * whatever reaches it by another way.
 */
export function httpSubscriptions(options: HttpSubscriptionsOptions): { middleware: RequestHandler; plugin: ApolloServerPlugin } {
  const error = () => new SubscriptionTransportError([...options.elsewhere, ...options.streaming.map((t) => t.describe)]);
  const middleware: RequestHandler = (req, res, next) => {
    const subscription = isSubscriptionRequest(req, options.maxTokens);
    const transport = options.streaming.find((t) => t.takes(req, subscription));
    if (transport) return transport.handle(req, res, next);
    if (!subscription) return next();
    const { message, extensions } = error();
    const { http: _http, ...rest } = extensions;
    const type = req.accepts(["application/json", "application/graphql-response+json"]) || "application/json";
    res.status(406).type(type).send(JSON.stringify({ errors: [{ message, extensions: rest }] }));
  };
  const plugin: ApolloServerPlugin = {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation === "subscription") throw error();
        },
      };
    },
  };
  return { middleware, plugin };
}
