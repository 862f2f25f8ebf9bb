import {
  createClient,
  type Client,
  type ClientOptions,
  type Event,
  type EventListener,
  type FormattedExecutionResult,
  type Sink,
  type SubscribePayload,
} from "graphql-ws";

const UNAUTHORIZED_CLOSE = 4401;
/** 4401s in a row, with no connection acknowledged between them, before giving up. */
const MAX_UNAUTHORIZED_IN_A_ROW = 3;
const EVENTS: Event[] = ["connecting", "opened", "connected", "ping", "pong", "message", "closed", "error"];

export interface SessionSocketOptions extends Omit<ClientOptions, "lazy" | "on" | "onNonLazyError"> {
  /**
   * Called after the server closed the socket with 4401 (its token expired): resolves true
   * once a fresher token is ready for `connectionParams`, false when none can be had.
   */
  renew(): Promise<boolean>;
  /** No fresher token (or 4401 again and again): the session is over and the socket stays closed. */
  expired(): void;
}

interface Generation {
  client: Client;
  /** Set when this client's socket was closed with 4401: whether a successor took over. */
  renewal?: Promise<boolean>;
}

type AnyListener = (...args: unknown[]) => void;

/**
 * One graphql-ws connection for a whole session, whose token is renewed underneath it.
 *
 * graphql-ws ends a client for good on 4401, which the server sends when a socket's token
 * expires. This client keeps one identity (what Apollo and the rooms hold, with their event
 * listeners) and, when `renew` has a fresher token, replaces the spent graphql-ws client with
 * a new one at once. Operations still open are started again on it, as graphql-ws itself does
 * after a retryable close; the rooms resume with `after` on "connected" as after any drop.
 */
export function createSessionSocket({ renew, expired, ...options }: SessionSocketOptions): Client {
  const listeners = new Map<Event, Set<AnyListener>>();
  const emit = (event: Event, args: unknown[]) => listeners.get(event)?.forEach((listener) => listener(...args));
  let disposed = false;
  let unauthorizedInARow = 0;

  const renewAfter = async (spent: Generation): Promise<boolean> => {
    unauthorizedInARow += 1;
    const ready = unauthorizedInARow <= MAX_UNAUTHORIZED_IN_A_ROW && (await renew());
    if (disposed || current !== spent) return false;
    if (!ready) {
      expired();
      return false;
    }
    current = start();
    void spent.client.dispose();
    return true;
  };

  const start = (): Generation => {
    const generation = {} as Generation;
    const on = Object.fromEntries(EVENTS.map((event) => [event, (...args: unknown[]) => emit(event, args)]));
    generation.client = createClient({
      ...options,
      lazy: false,
      onNonLazyError: () => undefined, // a 4401 is handled below; the caller's listeners see every close
      on: {
        ...on,
        connected: (...args) => {
          unauthorizedInARow = 0;
          emit("connected", args);
        },
        closed: (event) => {
          // Decided before the operations hear of the close, so they can wait for the successor.
          if (isUnauthorizedClose(event) && !disposed) generation.renewal ??= renewAfter(generation);
          emit("closed", [event]);
        },
      },
    });
    return generation;
  };

  let current = start();

  return {
    on<E extends Event>(event: E, listener: EventListener<E>) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const added = listener as AnyListener;
      set.add(added);
      return () => void set.delete(added);
    },

    subscribe<Data, Extensions>(payload: SubscribePayload, sink: Sink<FormattedExecutionResult<Data, Extensions>>) {
      let done = false;
      let release = () => {};
      const fail = (error: unknown) => {
        if (done) return;
        done = true;
        sink.error(error);
      };
      const begin = () => {
        const generation = current;
        if (generation.renewal) {
          // Between a 4401 and its successor: wait rather than wake the spent client.
          void generation.renewal.then((renewed) => (done ? undefined : renewed ? begin() : fail(unauthorized)));
          return;
        }
        release = generation.client.subscribe<Data, Extensions>(payload, {
          next: (value) => sink.next(value),
          complete: () => {
            if (done) return;
            done = true;
            sink.complete();
          },
          error: (error) => {
            if (!done && isUnauthorizedClose(error) && generation.renewal) begin();
            else fail(error);
          },
        });
      };
      begin();
      return () => {
        if (done) return;
        done = true;
        release();
      };
    },

    iterate(request) {
      return current.client.iterate(request);
    },

    terminate() {
      current.client.terminate();
    },

    async dispose() {
      disposed = true;
      await current.client.dispose();
    },
  };
}

const unauthorized = { code: UNAUTHORIZED_CLOSE, reason: "Unauthorized" };

function isUnauthorizedClose(value: unknown): boolean {
  return typeof value === "object" && value !== null && "code" in value && value.code === UNAUTHORIZED_CLOSE;
}
