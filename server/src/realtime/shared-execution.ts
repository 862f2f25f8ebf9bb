import {
  createSourceEventStream,
  type DocumentNode,
  execute,
  type ExecutionArgs,
  type ExecutionResult,
  getOperationAST,
  Kind,
} from "graphql";
import { type DirectOffering, offerDirect } from "./streams.js";

const documentIds = new WeakMap<DocumentNode, number>();
let nextDocumentId = 1;

function shareKey(args: ExecutionArgs, shareable: ReadonlySet<string>): string | null {
  const operation = getOperationAST(args.document, args.operationName);
  const fields = operation?.selectionSet.selections ?? [];
  if (fields.length !== 1 || fields[0]?.kind !== Kind.FIELD || !shareable.has(fields[0].name.value)) return null;
  let id = documentIds.get(args.document);
  if (id === undefined) {
    id = nextDocumentId++;
    documentIds.set(args.document, id);
  }
  // `after` only moves where a subscriber's stream starts; it does not change how an event renders.
  const { after: _after, ...variables } = args.variableValues ?? {};
  return `${id}|${args.operationName ?? ""}|${JSON.stringify(variables)}`;
}

/** One rendering of one event for one (document, variables), serialised at most once. */
interface SharedResult {
  result: ExecutionResult;
  json: string | undefined;
}

/**
 * Where a subscription can write an already serialised result itself, bypassing the
 * transport's per-message work (building and stringifying a frame, awaiting a write callback).
 */
export interface ResultSink {
  /** `payload` is the JSON text of an ExecutionResult without errors. */
  next(payload: string): void;
}

/**
 * graphql's subscribe(), except that an event object delivered to many subscribers (pub/sub
 * hands every listener the same parsed payload) is executed once per distinct document and
 * variables, not once per subscriber, and serialised once: when `sinkFor` gives a sink for the
 * operation, error-free shared results are written straight to it, and only the rest (errors,
 * unshared operations) goes through the returned iterator. Order is kept: a result written to
 * the sink is written before the iterator asks for the next event.
 */
export function createSharedSubscribe(
  sinkFor: (args: ExecutionArgs) => ResultSink | undefined,
  /**
   * Which rendering of an event a subscriber's context gets: subscribers with the same answer
   * render it identically (a field that depends on who is looking differs between audiences).
   */
  audienceOf: (event: object, contextValue: unknown) => string = () => "",
  /**
   * Subscription root fields whose events render the same for every subscriber of one
   * audience, so one execution can serve a whole room.
   */
  shareable: ReadonlySet<string> = new Set(),
) {
  return async function subscribeShared(args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
    const source = await createSourceEventStream(args);
    if (!(Symbol.asyncIterator in source)) return source;
    const events = source as AsyncIterableIterator<unknown> & DirectOffering<unknown>;
    const key = shareKey(args, shareable);
    const sink = key === null ? undefined : sinkFor(args);
    const stream = new SharedStream(events, args, key, audienceOf, sink);
    // A caught-up subscriber's live events are rendered (once per room event) and written in the
    // publishing call itself; only what cannot be (errors, an execution that awaits) is iterated.
    if (sink) events[offerDirect]?.(stream.offered);
    return stream;
  };
}

/**
 * The iterated results: events rendered, and written to the sink when they can be. A class,
 * not an async function: an idle subscriber's next() is one pending promise chained on the
 * source's, rather than a suspended function; and its state is in fields, not in closures.
 */
class SharedStream implements AsyncIterableIterator<ExecutionResult> {
  constructor(
    private readonly events: AsyncIterableIterator<unknown>,
    private readonly args: ExecutionArgs,
    /** Null: not shareable, executed for this subscriber alone. */
    private readonly key: string | null,
    private readonly audienceOf: (event: object, contextValue: unknown) => string,
    private readonly sink: ResultSink | undefined,
  ) {}

  private render(event: unknown): Promise<SharedResult> | SharedResult {
    const { args, key } = this;
    if (key === null || typeof event !== "object" || event === null) {
      return Promise.resolve(execute({ ...args, rootValue: event })).then((result) => ({ result, json: undefined }));
    }
    let perEvent = executions.get(event);
    if (!perEvent) {
      perEvent = new Map();
      executions.set(event, perEvent);
    }
    // Most subscribers are of the one audience "": no key is built for them per delivery.
    const audience = this.audienceOf(event, args.contextValue);
    const audienceKey = audience === "" ? key : `${key}|${audience}`;
    let shared = perEvent.get(audienceKey);
    if (!shared) {
      const result = execute({ ...args, rootValue: event });
      if (result instanceof Promise) {
        const settled = result.then((r) => {
          const value = { result: r, json: undefined };
          perEvent.set(audienceKey, value); // later subscribers need not wait a turn for it
          return value;
        });
        perEvent.set(audienceKey, settled);
        return settled;
      }
      shared = { result, json: undefined };
      perEvent.set(audienceKey, shared);
    }
    return shared;
  }

  /** The direct consumer (see offerDirect): what renders at once without errors is written now. */
  readonly offered = (event: unknown): boolean => {
    const rendered = this.render(event);
    if (rendered instanceof Promise || rendered.result.errors) return false;
    this.sink!.next((rendered.json ??= JSON.stringify(rendered.result)));
    return true;
  };

  next(): Promise<IteratorResult<ExecutionResult>> {
    return this.events.next().then(this.rendering);
  }

  private readonly rendering = (step: IteratorResult<unknown>): IteratorResult<ExecutionResult> | Promise<IteratorResult<ExecutionResult>> => {
    if (step.done) return step;
    const rendered = this.render(step.value);
    return rendered instanceof Promise ? rendered.then(this.rendered) : this.rendered(rendered);
  };

  /** Written to the sink (then on to the next event), or handed to the iterator's caller. */
  private readonly rendered = (rendered: SharedResult): IteratorResult<ExecutionResult> | Promise<IteratorResult<ExecutionResult>> => {
    if (!this.sink || rendered.result.errors) return { done: false, value: rendered.result };
    this.sink.next((rendered.json ??= JSON.stringify(rendered.result)));
    return this.next();
  };

  async return(): Promise<IteratorResult<ExecutionResult>> {
    await this.events.return?.();
    return { done: true, value: undefined };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

// Keyed by the event object itself: entries go when the event is no longer referenced.
const executions = new WeakMap<object, Map<string, Promise<SharedResult> | SharedResult>>();
