import WebSocket from "ws";
import { RecordingSocket } from "./graphql.js";

/** mulberry32: a tiny seeded PRNG, so a failing fuzz run can be replayed with its seed. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }
  bytes(n: number): Buffer {
    return Buffer.from(Array.from({ length: n }, () => this.int(0, 255)));
  }
  /** Flips `count` random bytes of `input` to random values. */
  flip(input: Buffer, count: number): Buffer {
    const out = Buffer.from(input);
    for (let i = 0; i < count && out.length; i++) out[this.int(0, out.length - 1)] = this.int(0, 255);
    return out;
  }
}

/** FUZZ_SEED from the environment, or a fresh one; printed so a failure can be replayed. */
export function fuzzSeed(label: string): number {
  const fromEnv = process.env["FUZZ_SEED"];
  const seed = fromEnv ? Number(fromEnv) >>> 0 : Math.floor(Math.random() * 2 ** 32);
  console.log(`${label}: FUZZ_SEED=${seed}`);
  return seed;
}

/** Malformed UTF-8: lone continuations, overlongs, UTF-8-encoded surrogates, cut sequences, bytes UTF-8 never uses. */
export const invalidUtf8 = [
  [0x80],
  [0xbf, 0x80],
  [0xc0, 0xaf],
  [0xe0, 0x80, 0xaf],
  [0xf0, 0x80, 0x80, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xed, 0xbf, 0xbf],
  [0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80],
  [0xe2, 0x82],
  [0xf4, 0x90, 0x80, 0x80],
  [0xfe],
  [0xff, 0xfe],
  [0xc3],
].map((bytes) => Buffer.from(bytes));

export interface RawResponse {
  status: number;
  contentType: string;
  text: string;
  ms: number;
}

/** One HTTP request with raw headers and body; gives up (throws) after `timeoutMs`. */
export async function rawRequest(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Buffer },
  timeoutMs = 5000,
): Promise<RawResponse> {
  const started = Date.now();
  const response = await fetch(url, {
    method: init.method ?? "POST",
    headers: init.headers ?? {},
    ...(init.body === undefined ? {} : { body: init.body }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get("content-type") ?? "", text, ms: Date.now() - started };
}

type Frame = { type?: string; id?: string; payload?: any; unparseable?: string };

/** A graphql-transport-ws socket that sends whatever it is given, bytes included. */
export class RawSocket extends RecordingSocket<Frame> {
  private settles = 0;

  private constructor(ws: WebSocket) {
    super(
      ws,
      (text) => {
        try {
          return JSON.parse(text) as Frame;
        } catch {
          return { unparseable: text.slice(0, 200) };
        }
      },
      5000,
    );
    // A socket the server closes mid-write may error on our side; the close event says the rest.
    ws.on("error", () => undefined);
  }

  static async open(baseUrl: string): Promise<RawSocket> {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, "ws")}/graphql`, "graphql-transport-ws", { maxPayload: 64 * 1024 * 1024 });
    const socket = new RawSocket(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
    return socket;
  }

  /** A text frame; a Buffer is sent as is, valid UTF-8 or not. */
  text(data: string | Buffer): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(data, { binary: false });
  }

  binary(data: Buffer): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(data, { binary: true });
  }

  json(frame: unknown): void {
    this.text(JSON.stringify(frame));
  }

  /** True once the operation `id` ended (complete or error). */
  ended(id: string): boolean {
    return this.frames.some((f) => f.id === id && (f.type === "complete" || f.type === "error"));
  }

  /** Pings and waits for the pong or the close: everything sent before has been read. */
  async settle(timeoutMs = 5000): Promise<void> {
    const mark = `settle-${++this.settles}`;
    this.json({ type: "ping", payload: { mark } });
    await this.waitFor(() => this.closed !== null || this.frames.some((f) => f.type === "pong" && f.payload?.mark === mark), timeoutMs);
  }
}
