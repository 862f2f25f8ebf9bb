import { ApolloClient, gql, HttpLink, InMemoryCache } from "@apollo/client";
import { cacheExchange, createClient as createUrqlClient, fetchExchange } from "@urql/core";
import { createClient as createSseClient } from "graphql-sse";
import { SubscriptionClient } from "subscriptions-transport-ws";
import WebSocket from "ws";

/** What a subscription delivered, and how it ended, as the client library reported it. */
export class Received {
  readonly results: { data?: any; errors?: { message: string; extensions?: Record<string, unknown> }[] }[] = [];
  /** The library's error, if it reported one (a network or transport-level error). */
  error: unknown = null;
  completed = false;

  get ended(): boolean {
    return this.completed || this.error !== null;
  }

  /** The messages delivered (messageAdded), in order. */
  messages(): { id: string; content: string }[] {
    return this.results.flatMap((r) => (r.data?.messageAdded ? [r.data.messageAdded] : []));
  }

  /** Every error code delivered, in results or as the library's error. */
  codes(): string[] {
    const fromResults = this.results.flatMap((r) => (r.errors ?? []).map((e) => String(e.extensions?.["code"])));
    return [...fromResults, ...errorCodes(this.error)];
  }
}

/** The contract codes inside whatever error object a library hands over. */
function errorCodes(error: unknown): string[] {
  if (!error || typeof error !== "object") return [];
  const e = error as Record<string, any>;
  // Apollo Client's ServerError (an HTTP error status) keeps the body as text.
  if (typeof e["bodyText"] === "string") {
    try {
      return errorCodes(JSON.parse(e["bodyText"]));
    } catch {
      return [];
    }
  }
  const list: any[] = Array.isArray(error) ? error : (e["errors"] ?? e["graphQLErrors"] ?? (e["extensions"] ? [e] : []));
  return list.map((x) => String(x?.extensions?.code));
}

export interface Subscriber {
  /** Starts a room subscription; stop() ends it from the client's side. */
  follow(courseId: string, after: string | undefined, into: Received): { stop(): void };
  dispose(): Promise<void> | void;
}

export const ROOM = "subscription Room($courseId: ID!, $after: ID) { messageAdded(courseId: $courseId, after: $after) { id content } }";

/** subscriptions-transport-ws: the legacy graphql-ws subprotocol. */
export function legacyClient(url: string, token: string): Subscriber & { client: SubscriptionClient } {
  const sockets: WebSocket[] = [];
  // Its client hands a refusal (connection_error) to connectionCallback, not to the operations.
  const following = new Set<Received>();
  // The library's WebSocket is given as a class; keep its instances to end them.
  class Recording extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols);
      sockets.push(this);
    }
  }
  const client = new SubscriptionClient(
    `${url.replace(/^http/, "ws")}/graphql`,
    { connectionParams: { authorization: `Bearer ${token}` }, reconnect: false, connectionCallback: (error: unknown) => error && following.forEach((r) => (r.error = error)) },
    Recording,
  );
  return {
    client,
    follow(courseId, after, into) {
      following.add(into);
      const subscription = client.request({ query: ROOM, variables: { courseId, after } }).subscribe({
        next: (r) => into.results.push(r as Received["results"][number]),
        error: (e: unknown) => (into.error = e),
        complete: () => (into.completed = true),
      });
      return {
        stop: () => {
          following.delete(into);
          subscription.unsubscribe();
        },
      };
    },
    dispose: () => {
      client.close();
      sockets.forEach((s) => s.terminate());
    },
  };
}

/** Apollo Client's HttpLink: subscriptions over Apollo's multipart protocol. */
export function apolloMultipart(url: string, token: string): Subscriber {
  const client = new ApolloClient({ link: new HttpLink({ uri: `${url}/graphql`, headers: { authorization: `Bearer ${token}` } }), cache: new InMemoryCache() });
  const room = gql(ROOM);
  return {
    follow(courseId, after, into) {
      const subscription = client.subscribe({ query: room, variables: { courseId, after }, fetchPolicy: "no-cache" }).subscribe({
        next: (r) => {
          if (r.error) into.error = r.error;
          else into.results.push(r as Received["results"][number]);
        },
        error: (e: unknown) => (into.error = e),
        complete: () => (into.completed = true),
      });
      return { stop: () => subscription.unsubscribe() };
    },
    dispose: () => client.stop(),
  };
}

/** graphql-sse's client, distinct connections mode (its default). */
export function sseClient(url: string, token: string): Subscriber {
  // Its own retry would send the same request again, replaying from the first cursor: resume by hand.
  const client = createSseClient({ url: `${url}/graphql`, headers: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
  return {
    follow(courseId, after, into) {
      const dispose = client.subscribe(
        { query: ROOM, variables: { courseId, after } },
        {
          next: (r) => into.results.push(r as Received["results"][number]),
          error: (e: unknown) => (into.error = e),
          complete: () => (into.completed = true),
        },
      );
      return { stop: dispose };
    },
    dispose: () => client.dispose(),
  };
}

/** urql on its defaults, subscriptions through its own fetch (it asks for text/event-stream). */
export function urqlClient(url: string, token: string): Subscriber {
  const client = createUrqlClient({
    url: `${url}/graphql`,
    exchanges: [cacheExchange, fetchExchange],
    fetchSubscriptions: true,
    fetchOptions: () => ({ headers: { authorization: `Bearer ${token}` } }),
  });
  return {
    follow(courseId, after, into) {
      const { unsubscribe } = client.subscription(ROOM, { courseId, after }).subscribe((r) => {
        if (r.error?.networkError) into.error = r.error;
        // urql hands over results only: an end shows as the errors that came with it.
        if (r.data || r.error?.graphQLErrors.length) into.results.push({ data: r.data, errors: r.error?.graphQLErrors.map((e) => ({ message: e.message, extensions: e.extensions })) });
      });
      return { stop: unsubscribe };
    },
    dispose: () => undefined,
  };
}
