import { type Message, MessageType, parseMessage } from "graphql-ws";
import { CloseCode, MAX_OPERATION_ID_LENGTH, FrameSink, type OperationFrames, type Peer, type WsCodec } from "./ws-peer.js";

/** The subprotocol of the `graphql-ws` library. */
export const TRANSPORT_WS = "graphql-transport-ws";

/** graphql-transport-ws, read with the `graphql-ws` library's own parser. */
export class TransportWsCodec<P> implements WsCodec {
  private initReceived = false;

  constructor(private readonly peer: Peer<P>) {}

  close(code: number, reason: string): void {
    this.peer.socket.close(code, reason);
  }

  async receive(text: string): Promise<void> {
    const { peer } = this;
    const { connection, socket } = peer;
    let frame: Message;
    try {
      // The library's own reading of the protocol: shapes it refuses are a client's violation.
      frame = parseMessage(text);
    } catch {
      return peer.violation("Invalid message received");
    }
    switch (frame.type) {
      case MessageType.ConnectionInit: {
        if (this.initReceived) return socket.close(CloseCode.TooManyInitialisationRequests, "Too many initialisation requests");
        this.initReceived = true;
        peer.initDeadline = null;
        if (await connection.admit(frame.payload ?? undefined)) {
          peer.send(`{"type":"connection_ack"}`);
          peer.options.logger.info({ connectionId: peer.id, userId: connection.userKey, protocol: TRANSPORT_WS }, "websocket connected");
        }
        return;
      }
      case MessageType.Ping:
        return peer.send(frame.payload ? JSON.stringify({ type: "pong", payload: frame.payload }) : `{"type":"pong"}`);
      case MessageType.Pong:
        return;
      case MessageType.Subscribe: {
        if (!connection.isOpen) return socket.close(CloseCode.Unauthorized, "Unauthorized");
        const id = frame.id;
        if (id.length > MAX_OPERATION_ID_LENGTH) return peer.violation(`An operation id is at most ${MAX_OPERATION_ID_LENGTH} characters.`);
        if (connection.has(id)) return socket.close(CloseCode.SubscriberAlreadyExists, `Subscriber for ${id.slice(0, 64)} already exists`);
        connection.start(id, frame.payload, new FrameSink(peer, id, FRAMES));
        return;
      }
      case MessageType.Complete:
        connection.stop(frame.id);
        return;
      default:
        return peer.violation("Invalid message received");
    }
  }
}

/** graphql-transport-ws: `next` results, errors as the list. */
const FRAMES: OperationFrames = { data: "next", errorPayload: (errors) => errors };
