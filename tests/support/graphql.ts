import WebSocket from "ws";

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, unknown>; path?: string[] }[];
  raw: string;
}

/** POST /graphql as any client would. */
export async function graphql<T = Record<string, any>>(
  baseUrl: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<GraphQLResponse<T>> {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const raw = await response.text();
  const body = JSON.parse(raw) as Omit<GraphQLResponse<T>, "status" | "raw">;
  return { status: response.status, raw, ...body };
}

export function codes(response: Pick<GraphQLResponse, "errors">): string[] {
  return (response.errors ?? []).map((e) => String(e.extensions?.["code"]));
}

type Frame = { type: string; id?: string; payload?: any };

/**
 * A socket that queues every frame it receives and how it closed, so a test can wait for the
 * one it expects instead of sleeping.
 */
export class RecordingSocket<F = Frame> {
  readonly frames: F[] = [];
  closed: { code: number; reason: string } | null = null;
  private waiters: (() => void)[] = [];

  protected constructor(
    readonly ws: WebSocket,
    parse: (text: string) => F,
    private readonly defaultTimeoutMs: number,
  ) {
    ws.on("message", (data) => {
      this.frames.push(parse(String(data)));
      this.notify();
    });
    ws.on("close", (code, reason) => {
      this.closed = { code, reason: String(reason) };
      this.notify();
    });
  }

  async waitFor(predicate: () => boolean, timeoutMs = this.defaultTimeoutMs): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; frames: ${JSON.stringify(this.frames.slice(-5)).slice(0, 1000)}, closed: ${JSON.stringify(this.closed)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    const done = new Promise<void>((resolve) => this.ws.once("close", () => resolve()));
    this.ws.close(1000);
    await done;
  }

  private notify(): void {
    const waiting = this.waiters;
    this.waiters = [];
    waiting.forEach((w) => w());
  }
}

/** A graphql-transport-ws client over a real socket. */
export class TestSocket extends RecordingSocket {
  private nextId = 1;

  private constructor(ws: WebSocket) {
    super(ws, (text) => JSON.parse(text) as Frame, 10_000);
  }

  static async open(baseUrl: string, headers: Record<string, string> = {}): Promise<TestSocket> {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, "ws")}/graphql`, "graphql-transport-ws", { headers });
    const socket = new TestSocket(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
      ws.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
    return socket;
  }

  /** Opens and sends connection_init; waits for the ack (or the close). */
  static async connect(baseUrl: string, token?: string): Promise<TestSocket> {
    const socket = await TestSocket.open(baseUrl);
    socket.send({ type: "connection_init", payload: token === undefined ? {} : { authorization: `Bearer ${token}` } });
    await socket.waitFor(() => socket.closed !== null || socket.frames.some((f) => f.type === "connection_ack"));
    return socket;
  }

  send(frame: Frame): void {
    this.ws.send(JSON.stringify(frame));
  }

  /** Starts an operation; returns its id. */
  subscribe(query: string, variables: Record<string, unknown> = {}): string {
    const id = String(this.nextId++);
    this.send({ id, type: "subscribe", payload: { query, variables } });
    return id;
  }

  complete(id: string): void {
    this.send({ id, type: "complete" });
  }

  private pings = 0;

  /** Pings and waits for the pong: the server has read (and answered what it answers at once) everything sent before. */
  async settle(timeoutMs = 5000): Promise<void> {
    const mark = `settle-${++this.pings}`;
    this.send({ type: "ping", payload: { mark } });
    await this.waitFor(() => this.closed !== null || this.frames.some((f) => f.type === "pong" && f.payload?.mark === mark), timeoutMs);
  }

  /** `next` payloads of one operation, in arrival order. */
  results(id: string): any[] {
    return this.frames.filter((f) => f.id === id && f.type === "next").map((f) => f.payload);
  }
}
