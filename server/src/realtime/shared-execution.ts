import {
  createSourceEventStream,
  type DocumentNode,
  execute,
  type ExecutionArgs,
  type ExecutionResult,
  getOperationAST,
  Kind,
} from "graphql";

/**
 * Subscription root fields whose events render the same for every subscriber (nothing in
 * Message or RoomEvent depends on who is looking), so one execution can serve a whole room.
 */
const SHAREABLE_FIELDS = new Set(["messageAdded", "roomEvents"]);

const documentIds = new WeakMap<DocumentNode, number>();
let nextDocumentId = 1;

function shareKey(args: ExecutionArgs): string | null {
  const operation = getOperationAST(args.document, args.operationName);
  const fields = operation?.selectionSet.selections ?? [];
  if (fields.length !== 1 || fields[0]?.kind !== Kind.FIELD || !SHAREABLE_FIELDS.has(fields[0].name.value)) return null;
  let id = documentIds.get(args.document);
  if (id === undefined) {
    id = nextDocumentId++;
    documentIds.set(args.document, id);
  }
  // `after` only moves where a subscriber's stream starts; it does not change how an event renders.
  const { after: _after, ...variables } = args.variableValues ?? {};
  return `${id}|${args.operationName ?? ""}|${JSON.stringify(variables)}`;
}

/**
 * graphql's subscribe(), except that an event object delivered to many subscribers (pub/sub
 * hands every listener the same parsed payload) is executed once per distinct document and
 * variables, not once per subscriber.
 */
export async function subscribeShared(args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const source = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in source)) return source;
  const events = source as AsyncIterableIterator<unknown>;
  const key = shareKey(args);
  const cache = executions;
  const render = (event: unknown): Promise<ExecutionResult> | ExecutionResult => {
    if (key === null || typeof event !== "object" || event === null) return execute({ ...args, rootValue: event });
    let perEvent = cache.get(event);
    if (!perEvent) {
      perEvent = new Map();
      cache.set(event, perEvent);
    }
    let result = perEvent.get(key);
    if (!result) {
      result = execute({ ...args, rootValue: event });
      perEvent.set(key, result);
    }
    return result;
  };
  const iterator: AsyncIterableIterator<ExecutionResult> = {
    async next() {
      const step = await events.next();
      return step.done ? step : { done: false, value: await render(step.value) };
    },
    return: async () => {
      await events.return?.();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

// Keyed by the event object itself: entries go when the event is no longer referenced.
const executions = new WeakMap<object, Map<string, Promise<ExecutionResult> | ExecutionResult>>();
