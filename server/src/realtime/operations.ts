import {
  execute,
  type ExecutionResult,
  getOperationAST,
  GraphQLError,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type ValidationRule,
} from "graphql";
import type { Logger } from "pino";
import { BadUserInputError, ErrorCode } from "../errors.js";
import { unstorableInput } from "../validation.js";
import { DocumentCache } from "./documents.js";
import { createSharedSubscribe, type ResultSink } from "./shared-execution.js";

/** What a client asks for: a `subscribe`/`start` payload, a POST body. */
export interface OperationRequest {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
  extensions?: unknown;
}

/** Where an operation's results go, in the transport's own framing. */
export interface OperationSink extends ResultSink {
  /** `payload` is the JSON text of an ExecutionResult (errors already formatted). */
  next(payload: string): void;
  /** The operation failed as a whole: no result follows. */
  error(errors: readonly GraphQLFormattedError[]): void;
  complete(): void;
}

/** How fast the client reads: a stream that replays a backlog waits on it. */
export interface FlowControl {
  /** Null when more may be written now; else resolves once the client has read most of what waits. */
  writable(): Promise<void> | null;
  readonly closed: boolean;
}

export type Admission<P> = { principal: P; userKey: number; until: number } | { refused: "unauthorized" | "unavailable" };

/**
 * Everything the transports need to know of who is connecting, handed to them by the
 * composition root: they know no feature, only these answers.
 */
export interface ConnectionGate<P> {
  /** From the connection's init payload or request headers. */
  admit(params: Record<string, unknown> | undefined, clientAddress: string | undefined): Promise<Admission<P>>;
  /** An operation's context, checked now; throws a GraphQLError (UNAUTHENTICATED) when the principal no longer counts. */
  context(principal: P, clientAddress: string | undefined, flow: FlowControl): Promise<object>;
  /** Until when the principal counts now (ms), or null when it no longer does. */
  revalidate(principal: P): Promise<number | null>;
}

export interface OperationHostOptions<P> {
  schema: GraphQLSchema;
  validationRules: ValidationRule[];
  maxTokens: number;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  gate: ConnectionGate<P>;
  maxOperationsPerConnection: number;
  maxConnectionsPerUser: number;
  logger: Logger;
  /** Which rendering of a shared event an operation's context gets (see createSharedSubscribe). */
  audienceOf?: (event: object, contextValue: unknown) => string;
  /** Subscription fields whose events render alike for one audience (see createSharedSubscribe). */
  shareableSubscriptions?: ReadonlySet<string>;
  /**
   * Where a request may name its document rather than send it, or where only some documents
   * may run (trusted documents): the query to run, or why this request may not run at all.
   */
  resolveQuery?: (request: OperationRequest) => { query: unknown } | { errors: readonly GraphQLError[] };
}

/** How a connection's transport is told to go: closes with the code, frames nothing more. */
export interface ConnectionTransport {
  close(code: number, reason: string): void;
  readonly flow: FlowControl;
}

export const Refusal = {
  Unauthorized: { code: 4401, reason: "Unauthorized" },
  TooManyConnections: { code: 4429, reason: "Too many connections" },
  TryAgainLater: { code: 1013, reason: "Try again later" },
} as const;

/**
 * Runs GraphQL operations for long-lived connections (WebSocket subprotocols, streaming HTTP),
 * whatever their framing: admission, the per-user connection quota, the per-connection
 * operation cap, one operation per id, a fresh authorization check for every operation, and
 * the end of everything a connection started when it goes.
 */
export class OperationHost<P> {
  readonly documents: DocumentCache;
  /** Arrays, not sets: most users have one connection, and a set costs each of them 150 bytes. */
  private readonly byUser = new Map<number, Connection<P>[]>();
  private readonly sinks = new WeakMap<object, ResultSink>();
  readonly subscribe;

  constructor(readonly options: OperationHostOptions<P>) {
    this.documents = new DocumentCache(options.schema, options.validationRules, options.maxTokens);
    this.subscribe = createSharedSubscribe((args) => this.takeSink(args.contextValue as object), options.audienceOf, options.shareableSubscriptions);
  }

  connection(transport: ConnectionTransport, clientAddress: string | undefined): Connection<P> {
    return new Connection(this, transport, clientAddress);
  }

  /** The user changed (a role, a session): each of their connections is checked again. */
  revalidateUser(userKey: number): void {
    for (const connection of [...(this.byUser.get(userKey) ?? [])]) void connection.revalidate();
  }

  /** Counts an admitted connection against its user's quota; false when the quota is full. */
  register(connection: Connection<P>, userKey: number): boolean {
    const connections = this.byUser.get(userKey);
    if ((connections?.length ?? 0) >= this.options.maxConnectionsPerUser) return false;
    if (connections) connections.push(connection);
    else this.byUser.set(userKey, [connection]);
    return true;
  }

  unregister(connection: Connection<P>, userKey: number): void {
    const connections = this.byUser.get(userKey);
    const at = connections?.indexOf(connection) ?? -1;
    if (!connections || at < 0) return;
    connections.splice(at, 1);
    if (connections.length === 0) this.byUser.delete(userKey);
  }

  connectionsOf(userKey: number): number {
    return this.byUser.get(userKey)?.length ?? 0;
  }

  bindSink(contextValue: object, sink: ResultSink): void {
    this.sinks.set(contextValue, sink);
  }

  /** A subscription asks for its sink once, as it starts: the entry need not live as long as it. */
  private takeSink(contextValue: object): ResultSink | undefined {
    const sink = this.sinks.get(contextValue);
    this.sinks.delete(contextValue);
    return sink;
  }

  format(errors: readonly GraphQLError[]): GraphQLFormattedError[] {
    return errors.map((e) => this.options.formatError(e.toJSON(), e));
  }

  render(result: ExecutionResult): string {
    return JSON.stringify(result.errors ? { ...result, errors: this.format(result.errors) } : result);
  }
}

type ConnectionState = "new" | "admitting" | "open" | "closed";

/** One client connection: its principal once admitted, and the operations it runs. */
export class Connection<P> {
  private state: ConnectionState = "new";
  // Set here, not left to admit(): a property added later is stored outside the object.
  principal: P | undefined = undefined;
  userKey: number | undefined = undefined;
  /** When its credentials stop counting (ms); the transport's deadline sweep closes it then. */
  until = Number.POSITIVE_INFINITY;
  /**
   * Operations still running, including completed ones still winding down: all count. Those
   * whose id is still taken are found by a walk over them (a few at most): a map by id as
   * well would cost every socket its own.
   */
  readonly running = new Set<Operation<P>>();

  constructor(
    readonly host: OperationHost<P>,
    readonly transport: ConnectionTransport,
    readonly clientAddress: string | undefined,
  ) {}

  get isOpen(): boolean {
    return this.state === "open";
  }

  get admitting(): boolean {
    return this.state === "admitting";
  }

  /**
   * Checks the credentials; true once admitted. A connection that went away meanwhile is not
   * counted against its user, and a refused one is closed with the refusal's code.
   */
  async admit(params: Record<string, unknown> | undefined): Promise<boolean> {
    this.state = "admitting";
    let admission: Admission<P>;
    try {
      admission = await this.host.options.gate.admit(params, this.clientAddress);
    } catch (err) {
      this.host.options.logger.warn({ err }, "connection admission failed on a server error");
      admission = { refused: "unavailable" };
    }
    if (this.state !== "admitting") return false; // closed while we waited
    if ("refused" in admission) {
      this.end(admission.refused === "unauthorized" ? Refusal.Unauthorized : Refusal.TryAgainLater);
      return false;
    }
    if (!this.host.register(this, admission.userKey)) {
      this.end(Refusal.TooManyConnections);
      return false;
    }
    this.principal = admission.principal;
    this.userKey = admission.userKey;
    this.until = admission.until;
    this.state = "open";
    return true;
  }

  /** Whether `id` names an operation that is still running (a new one may not reuse it). */
  has(id: string): boolean {
    return this.named(id) !== undefined;
  }

  /** Starts an operation; the caller has checked that its id is free. */
  start(id: string, request: OperationRequest, sink: OperationSink): void {
    if (this.state !== "open" || this.principal === undefined) return;
    if (this.counted() >= this.host.options.maxOperationsPerConnection) {
      sink.error(this.host.format([new BadUserInputError(`At most ${this.host.options.maxOperationsPerConnection} operations at once on one connection.`)]));
      return;
    }
    const operation = new Operation(this, id, sink);
    this.running.add(operation);
    void operation.run(request, this.principal);
  }

  /**
   * Operations that hold a place: every one still running, including one completed while it
   * was being set up (its setup is still in flight), but not one already winding down.
   */
  private counted(): number {
    let n = 0;
    for (const operation of this.running) if (operation.holdsPlace) n++;
    return n;
  }

  /** The client no longer wants this operation: nothing more is sent for it, and its id is free again. */
  stop(id: string): void {
    const operation = this.named(id);
    if (!operation) return;
    operation.holdsId = false;
    operation.cancel();
  }

  /** The running operation that holds `id`, if any. */
  private named(id: string): Operation<P> | undefined {
    for (const operation of this.running) if (operation.holdsId && operation.id === id) return operation;
    return undefined;
  }

  finished(operation: Operation<P>): void {
    this.running.delete(operation);
    operation.holdsId = false;
  }

  /** Checks the credentials again (something about the user changed). */
  async revalidate(): Promise<void> {
    if (this.state !== "open" || this.principal === undefined) return;
    let until: number | null;
    try {
      until = await this.host.options.gate.revalidate(this.principal);
    } catch {
      return; // unreachable database: the next change or the deadline decides
    }
    if (until === null) this.end(Refusal.Unauthorized);
    else this.until = until;
  }

  /** Ends the connection from the server's side. */
  end(refusal: { code: number; reason: string }): void {
    this.closed();
    this.transport.close(refusal.code, refusal.reason);
  }

  /** The connection is gone (closed by either side): everything it started ends. */
  closed(): void {
    if (this.state === "closed") return;
    const wasOpen = this.state === "open";
    this.state = "closed";
    if (wasOpen && this.userKey !== undefined) this.host.unregister(this, this.userKey);
    for (const operation of [...this.running]) {
      operation.holdsId = false;
      operation.cancel();
    }
  }
}

const isIterable = (value: unknown): value is AsyncIterableIterator<ExecutionResult> =>
  typeof value === "object" && value !== null && Symbol.asyncIterator in value;

/**
 * One operation of a connection, from its request to its last frame; also the sink its shared
 * results are written to directly (see createSharedSubscribe).
 */
class Operation<P> implements ResultSink {
  /** Its id is taken: until the client stops it, it finishes, or the connection closes. */
  holdsId = true;
  private cancelled = false;
  private settingUp = true;
  private iterator: AsyncIterableIterator<ExecutionResult> | undefined;

  constructor(
    private readonly connection: Connection<P>,
    readonly id: string,
    private readonly sink: OperationSink,
  ) {}

  /** A shared result written directly: nothing once the operation was cancelled. */
  next(payload: string): void {
    if (!this.cancelled) this.sink.next(payload);
  }

  get holdsPlace(): boolean {
    return !this.cancelled || this.settingUp;
  }

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    void this.iterator?.return?.();
  }

  async run(request: OperationRequest, principal: P): Promise<void> {
    const { host } = this.connection;
    // A subscription whose events flow ends later, when its pump does (see pump).
    let flowing = false;
    try {
      const resolved = host.options.resolveQuery?.(request) ?? { query: request.query };
      if ("errors" in resolved) return this.fail(resolved.errors);
      const document = host.documents.get(resolved.query);
      if (!("kind" in document)) return this.fail(document);
      const variables = request.variables ?? undefined;
      if (variables !== undefined && (typeof variables !== "object" || variables === null || Array.isArray(variables))) {
        return this.fail([new BadUserInputError("variables must be an object.")]);
      }
      const unstorable = unstorableInput(document, variables);
      if (unstorable) return this.fail([unstorable]);
      const operationName = typeof request.operationName === "string" ? request.operationName : undefined;
      const operation = getOperationAST(document, operationName);
      if (!operation) return this.fail([new GraphQLError("Unable to identify the operation.", { extensions: { code: ErrorCode.ValidationFailed } })]);
      // Who the connection stands for is checked for every operation, not remembered.
      const contextValue = await host.options.gate.context(principal, this.connection.clientAddress, this.connection.transport.flow);
      if (this.cancelled) return;
      const args = { schema: host.options.schema, document, variableValues: variables as Record<string, unknown> | undefined, operationName, contextValue };
      if (operation.operation === "subscription") flowing = await this.stream(args, contextValue);
      else await this.once(args);
    } catch (err) {
      this.failWith(err);
    } finally {
      if (!flowing) this.connection.finished(this);
    }
  }

  private failWith(err: unknown): void {
    if (!this.cancelled) this.fail([err instanceof GraphQLError ? err : new GraphQLError(err instanceof Error ? err.message : String(err), { originalError: err as Error })]);
  }

  private async once(args: Parameters<typeof execute>[0]): Promise<void> {
    const result = await execute(args);
    this.settingUp = false;
    if (this.cancelled) return;
    this.sink.next(this.connection.host.render(result));
    this.sink.complete();
  }

  /** Starts the subscription; true once its events flow (the pump then ends the operation). */
  private async stream(args: Parameters<typeof execute>[0], contextValue: object): Promise<boolean> {
    const { host } = this.connection;
    host.bindSink(contextValue, this);
    const result = await host.subscribe(args);
    if (!isIterable(result)) {
      // The stream could not start (its resolver refused): a result with errors, as graphql-ws sends it.
      if (this.cancelled) return false;
      this.sink.next(host.render(result));
      this.sink.complete();
      return false;
    }
    this.iterator = result;
    this.settingUp = false;
    // Completed while the subscription was being set up: end it at once, deliver nothing.
    if (this.cancelled) {
      await result.return?.();
      return false;
    }
    this.pump();
    return true;
  }

  /**
   * What `for await` over the iterator would do, without a suspended function per idle
   * subscription: one pending next() at a time, its handlers made once per operation.
   */
  private pump(): void {
    this.iterator!.next().then(this.pumped, this.ended);
  }

  private readonly pumped = (step: IteratorResult<ExecutionResult>): void => {
    if (step.done) {
      try {
        if (!this.cancelled) this.sink.complete();
      } catch (err) {
        return this.ended(err);
      }
      return this.ended();
    }
    // As `break` would: the iterator is returned, and the operation ends once it has.
    if (this.cancelled) return this.returnThenEnd();
    try {
      this.sink.next(this.connection.host.render(step.value));
    } catch (err) {
      return this.returnThenEnd(err);
    }
    this.pump();
  };

  /** Returns the iterator; a failure of the loop's body outweighs one of return(). */
  private returnThenEnd(failure?: unknown): void {
    const ended = (err?: unknown) => this.ended(failure ?? err);
    Promise.resolve()
      .then(() => this.iterator!.return?.())
      .then(() => ended(), ended);
  }

  private readonly ended = (err?: unknown): void => {
    if (err !== undefined) this.failWith(err);
    this.connection.finished(this);
  };

  private fail(errors: readonly GraphQLError[]): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.sink.error(this.connection.host.format(errors));
  }
}
