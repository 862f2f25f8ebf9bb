import { z } from "zod";

export type DatabaseTarget =
  | { kind: "sqlite"; path: string }
  | { kind: "postgresql"; url: string };

export interface SendRateLimit {
  messages: number;
  windowSeconds: number;
}

export interface Config {
  production: boolean;
  port: number;
  host: string;
  database: DatabaseTarget;
  redisUrl: string | undefined;
  redisPrefix: string;
  sendRateLimit: SendRateLimit | null;
  /** Empty: only the server's own origin is allowed. */
  allowedOrigins: string[];
  /** Unset outside production: generated and kept beside the SQLite file (see secret.ts). */
  secretKey: string | undefined;
  tokenTtlSeconds: number;
  /** Fill an empty database with demo users, courses and messages at start. */
  seedDemo: boolean;
  /** Apply migrations at start (always on for SQLite, opt-in for PostgreSQL). */
  migrateOnStart: boolean;
  logLevel: string;
  /** Built web client to serve at `/`; null serves no client. */
  clientDist: string | null;
  limits: Limits;
}

/** Bounds on what one client may ask of the server; HTTP and WebSocket alike. */
export interface Limits {
  introspection: boolean;
  maxQueryDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxCost: number;
  maxDirectives: number;
  maxHttpBodyBytes: number;
  maxWsFrameBytes: number;
  maxSubscriptionsPerSocket: number;
  maxSocketsPerUser: number;
  connectionInitTimeoutMs: number;
  /** A socket whose unsent data passes this is cut off rather than growing server memory. */
  maxSocketBufferBytes: number;
}

const durationPattern = /^(\d+)\s*(ms|s|m|h)?$/;
const unitSeconds = { ms: 0.001, s: 1, m: 60, h: 3600 } as const;

function parseDurationSeconds(text: string): number | null {
  const match = durationPattern.exec(text.trim());
  if (!match) return null;
  const unit = (match[2] ?? "s") as keyof typeof unitSeconds;
  return Number(match[1]) * unitSeconds[unit];
}

/** `20/10s` → 20 messages per 10 seconds; `off` → no limit. */
export function parseSendRateLimit(text: string): SendRateLimit | null | undefined {
  if (text.trim().toLowerCase() === "off") return null;
  const [count, window] = text.split("/");
  if (!count || !window || !/^\d+$/.test(count.trim())) return undefined;
  const windowSeconds = parseDurationSeconds(window);
  const messages = Number(count);
  if (!windowSeconds || windowSeconds <= 0 || messages < 1) return undefined;
  return { messages, windowSeconds };
}

export function parseDatabaseUrl(url: string): DatabaseTarget | undefined {
  if (url.startsWith("sqlite:")) {
    const path = url.slice("sqlite:".length).replace(/^\/\//, "");
    return path ? { kind: "sqlite", path } : undefined;
  }
  if (/^postgres(ql)?:\/\//.test(url)) return { kind: "postgresql", url };
  return undefined;
}

const booleanText = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

const envSchema = z.object({
  NODE_ENV: z.string().default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default("0.0.0.0"),
  DATABASE_URL: z
    .string()
    .default("sqlite:./data/educa-chat.sqlite3")
    .transform((url, ctx) => {
      const target = parseDatabaseUrl(url);
      if (!target) {
        ctx.addIssue({ code: "custom", message: "must be sqlite:PATH or postgresql://…" });
        return z.NEVER;
      }
      return target;
    }),
  REDIS_URL: z
    .string()
    .optional()
    .transform((v) => (v ? v : undefined))
    .refine((v) => v === undefined || /^rediss?:\/\//.test(v), "must be redis://…"),
  REDIS_PREFIX: z.string().default("educa-chat:"),
  SEND_RATE_LIMIT: z
    .string()
    .default("20/10s")
    .transform((text, ctx) => {
      const limit = parseSendRateLimit(text);
      if (limit === undefined) {
        ctx.addIssue({ code: "custom", message: "must look like 20/10s, or be off" });
        return z.NEVER;
      }
      return limit;
    }),
  ALLOWED_ORIGINS: z
    .string()
    .default("")
    .transform((text) =>
      text
        .split(",")
        .map((o) => o.trim().replace(/\/$/, ""))
        .filter(Boolean),
    ),
  SECRET_KEY: z
    .string()
    .optional()
    .transform((v) => (v ? v : undefined))
    .refine((v) => v === undefined || v.length >= 32, "must be at least 32 characters"),
  TOKEN_TTL: z
    .string()
    .default("12h")
    .transform((text, ctx) => {
      const seconds = parseDurationSeconds(text);
      if (!seconds || seconds < 1) {
        ctx.addIssue({ code: "custom", message: "must be a duration such as 900s, 30m or 12h" });
        return z.NEVER;
      }
      return Math.round(seconds);
    }),
  SEED_DEMO: booleanText.optional(),
  MIGRATE_ON_START: booleanText.optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).optional(),
  CLIENT_DIST: z.string().optional(),
  INTROSPECTION: booleanText.default(true),
  MAX_QUERY_DEPTH: z.coerce.number().int().min(1).default(10),
  MAX_ALIASES: z.coerce.number().int().min(0).default(15),
  MAX_TOKENS: z.coerce.number().int().min(10).default(2000),
  MAX_COST: z.coerce.number().int().min(1).default(5000),
  MAX_DIRECTIVES: z.coerce.number().int().min(0).default(20),
  MAX_HTTP_BODY_BYTES: z.coerce.number().int().min(1024).default(100 * 1024),
  MAX_WS_FRAME_BYTES: z.coerce.number().int().min(1024).default(256 * 1024),
  MAX_SUBSCRIPTIONS_PER_SOCKET: z.coerce.number().int().min(1).default(50),
  MAX_SOCKETS_PER_USER: z.coerce.number().int().min(1).default(20),
  CONNECTION_INIT_TIMEOUT_MS: z.coerce.number().int().min(100).default(3000),
  MAX_SOCKET_BUFFER_BYTES: z.coerce.number().int().min(1024).default(1024 * 1024),
});

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Reads the environment once; every bad variable is reported together. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`),
    );
  }
  const e = parsed.data;
  const production = e.NODE_ENV === "production";
  if (production && !e.SECRET_KEY) {
    throw new ConfigError(["SECRET_KEY: required in production (at least 32 characters)"]);
  }
  const sqlite = e.DATABASE_URL.kind === "sqlite";
  return {
    production,
    port: e.PORT,
    host: e.HOST,
    database: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    sendRateLimit: e.SEND_RATE_LIMIT,
    allowedOrigins: e.ALLOWED_ORIGINS,
    secretKey: e.SECRET_KEY,
    tokenTtlSeconds: e.TOKEN_TTL,
    seedDemo: e.SEED_DEMO ?? (sqlite && !production),
    migrateOnStart: e.MIGRATE_ON_START ?? sqlite,
    logLevel: e.LOG_LEVEL ?? "info",
    clientDist: e.CLIENT_DIST === undefined ? "client/dist" : e.CLIENT_DIST || null,
    limits: {
      introspection: e.INTROSPECTION,
      maxQueryDepth: e.MAX_QUERY_DEPTH,
      maxAliases: e.MAX_ALIASES,
      maxTokens: e.MAX_TOKENS,
      maxCost: e.MAX_COST,
      maxDirectives: e.MAX_DIRECTIVES,
      maxHttpBodyBytes: e.MAX_HTTP_BODY_BYTES,
      maxWsFrameBytes: e.MAX_WS_FRAME_BYTES,
      maxSubscriptionsPerSocket: e.MAX_SUBSCRIPTIONS_PER_SOCKET,
      maxSocketsPerUser: e.MAX_SOCKETS_PER_USER,
      connectionInitTimeoutMs: e.CONNECTION_INIT_TIMEOUT_MS,
      maxSocketBufferBytes: e.MAX_SOCKET_BUFFER_BYTES,
    },
  };
}
