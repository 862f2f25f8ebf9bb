import { closeError } from "./close-errors.js";
import type { OperationRequest } from "./operations.js";
import { CloseCode, MAX_OPERATION_ID_LENGTH, FrameSink, type OperationFrames, type Peer, type WsCodec } from "./ws-peer.js";

/**
 * The subprotocol of `subscriptions-transport-ws`, still the default of Apollo Kotlin 4 and
 * of Apollo iOS 1's WebSocket transport. Its name is the same as the newer library's.
 */
export const LEGACY_WS = "graphql-ws";

type Frame = { type: string; id?: unknown; payload?: unknown };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

function parse(text: string): Frame | null {
  try {
    const frame: unknown = JSON.parse(text);
    return isObject(frame) && typeof frame["type"] === "string" ? (frame as Frame) : null;
  } catch {
    return null;
  }
}

/**
 * subscriptions-transport-ws's protocol (its PROTOCOL.md): connection_init → connection_ack
 * and `ka` keep-alives, start → data / error / complete, stop, connection_terminate, and
 * connection_error for an init that is refused. The same rules as graphql-transport-ws where
 * the protocol leaves room (init timeout 4408, a second init 4429, malformed frames 4400);
 * where it does not, what its reference server did: a `start` sent right behind the init
 * (its client does not wait for the ack) waits for the admission, and a `start` reusing a
 * running id replaces that operation.
 */
export class LegacyWsCodec<P> implements WsCodec {
  private initReceived = false;
  private acknowledged = false;
  /** Starts that arrived while the init was being checked, in order. */
  private waiting: { id: string; request: OperationRequest }[] = [];

  constructor(private readonly peer: Peer<P>) {}

  close(code: number, reason: string): void {
    // Its client exposes no close code: say why in the protocol's own words first.
    if (code !== 1000) this.peer.send(JSON.stringify({ type: "connection_error", payload: closeError(code, reason) }));
    this.peer.socket.close(code, reason);
  }

  tick(): void {
    if (this.acknowledged) this.peer.send(`{"type":"ka"}`);
  }

  async receive(text: string): Promise<void> {
    const { peer } = this;
    const { connection, socket } = peer;
    const frame = parse(text);
    if (!frame) return peer.violation("Invalid message received");
    switch (frame.type) {
      case "connection_init": {
        if (this.initReceived) return socket.close(CloseCode.TooManyInitialisationRequests, "Too many initialisation requests");
        if (frame.payload !== undefined && frame.payload !== null && !isObject(frame.payload)) return peer.violation("Invalid message received");
        this.initReceived = true;
        peer.initDeadline = null;
        if (await connection.admit(frame.payload ?? undefined)) {
          this.acknowledged = true;
          peer.send(`{"type":"connection_ack"}`);
          peer.send(`{"type":"ka"}`);
          peer.options.logger.info({ connectionId: peer.id, userId: connection.userKey, protocol: LEGACY_WS }, "websocket connected");
          for (const { id, request } of this.waiting.splice(0)) this.start(id, request);
        } else this.waiting = [];
        return;
      }
      case "start": {
        const { id, payload } = frame;
        if (typeof id !== "string" || id === "" || !isObject(payload)) return peer.violation("Invalid message received");
        if (id.length > MAX_OPERATION_ID_LENGTH) return peer.violation(`An operation id is at most ${MAX_OPERATION_ID_LENGTH} characters.`);
        if (connection.admitting) {
          this.waiting = this.waiting.filter((w) => w.id !== id);
          if (this.waiting.length >= connection.host.options.maxOperationsPerConnection) return peer.violation("Too many operations before the connection was acknowledged");
          this.waiting.push({ id, request: payload });
          return;
        }
        if (!connection.isOpen) return socket.close(CloseCode.Unauthorized, "Unauthorized");
        return this.start(id, payload);
      }
      case "stop": {
        if (typeof frame.id !== "string") return peer.violation("Invalid message received");
        const id = frame.id;
        this.waiting = this.waiting.filter((w) => w.id !== id);
        connection.stop(id);
        return;
      }
      case "connection_terminate":
        return socket.close(1000, "Normal Closure");
      default:
        return peer.violation("Invalid message received");
    }
  }

  private start(id: string, request: OperationRequest): void {
    const { connection } = this.peer;
    if (connection.has(id)) connection.stop(id);
    connection.start(id, request, new FrameSink(this.peer, id, FRAMES));
  }
}

/** subscriptions-transport-ws: `data` results; the error payload is one error object (Apollo Kotlin reads it as a map). */
const FRAMES: OperationFrames = { data: "data", errorPayload: (errors) => errors[0] ?? { message: "Operation failed" } };
