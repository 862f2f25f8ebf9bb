import { z } from "zod";
import { type OperationManifest, readManifest } from "./trusted-documents.js";

export type DatabaseTarget =
  | { kind: "sqlite"; path: string }
  | { kind: "postgresql"; url: string };

export interface RedisNode {
  host: string;
  port: number;
}

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
  /** A Redis Cluster's startup nodes (sharded pub/sub); exclusive with redisUrl. */
  redisClusterNodes: RedisNode[] | undefined;
  redisPrefix: string;
  sendRateLimit: SendRateLimit | null;
  /** Empty: only the server's own origin is allowed. */
  allowedOrigins: string[];
  /** Unset outside production: generated and kept beside the SQLite file (see secret.ts). */
  secretKey: string | undefined;
  tokenTtlSeconds: number;
  /** A session (one login) ends this long after the login, however often it is renewed. */
  sessionMaxAgeSeconds: number;
  /** After a renewal, the previous token still counts this long (other tabs, requests in flight). */
  renewalGraceSeconds: number;
  /** How long after sending an author may edit a message. */
  editWindowSeconds: number;
  /** Presence entries live this long unless their instance renews them (a dead instance's members go offline after it). */
  presenceTtlSeconds: number;
  /** Rooms with more members than this have no typing notices. */
  typingMaxRoomSize: number;
  /** Proxies whose X-Forwarded-For is believed (addresses or CIDRs); empty: none. */
  trustedProxies: string[];
  /** Accounts one address may register per window; null: no limit. */
  registerRateLimit: SendRateLimit | null;
  /** Where /metrics is served: its own listener, and/or the main port behind a bearer token. */
  metrics: { port: number | null; host: string; token: string | null };
  /** Fill an empty database with demo users, courses and messages at start. */
  seedDemo: boolean;
  /** Apply migrations at start (always on for SQLite, opt-in for PostgreSQL). */
  migrateOnStart: boolean;
  logLevel: string;
  /** Built web client to serve at `/`; null serves no client. */
  clientDist: string | null;
  limits: Limits;
  /** Operations clients may name by id; with `only`, the only ones that run. */
  trustedDocuments: { manifest: OperationManifest | null; only: boolean };
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
  /** How many messages back a subscription may resume; deeper is CANNOT_RESUME (reload history). */
  maxResumeDepth: number;
}

const durationPattern = /^(\d+)\s*(ms|s|m|h|d)?$/;
const unitSeconds = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 } as const;

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

const rateLimitText = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      const limit = parseSendRateLimit(text);
      if (limit === undefined) {
        ctx.addIssue({ code: "custom", message: "must look like 20/10s, or be off" });
        return z.NEVER;
      }
      return limit;
    });

const duration = (fallback: string, example: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      const seconds = parseDurationSeconds(text);
      if (!seconds || seconds < 1) {
        ctx.addIssue({ code: "custom", message: `must be a duration such as ${example}` });
        return z.NEVER;
      }
      return Math.round(seconds);
    });

const listText = z
  .string()
  .default("")
  .transform((text) =>
    text
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean),
  );

/** `host:port,host:port` (`[v6 address]:port` too) → startup nodes; undefined when malformed. */
export function parseRedisClusterNodes(text: string): RedisNode[] | undefined {
  const nodes: RedisNode[] = [];
  for (const entry of text.split(",").map((e) => e.trim())) {
    const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]\s]+):(\d{1,5})$/.exec(entry);
    const port = Number(match?.[2]);
    if (!match?.[1] || port < 1 || port > 65535) return undefined;
    nodes.push({ host: match[1].replace(/^\[(.*)\]$/, "$1"), port });
  }
  return nodes;
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
  REDIS_CLUSTER_NODES: z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (!text) return undefined;
      const nodes = parseRedisClusterNodes(text);
      if (!nodes) {
        ctx.addIssue({ code: "custom", message: "must be host:port,host:port,… (some of the cluster's nodes)" });
        return z.NEVER;
      }
      return nodes;
    }),
  REDIS_PREFIX: z.string().default("educa-chat:"),
  SEND_RATE_LIMIT: rateLimitText("20/10s"),
  REGISTER_RATE_LIMIT: rateLimitText("30/1h"),
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
  TOKEN_TTL: duration("12h", "900s, 30m or 12h"),
  SESSION_MAX_AGE: duration("30d", "12h or 30d"),
  TOKEN_RENEWAL_GRACE: duration("60s", "60s or 5m"),
  EDIT_WINDOW: duration("15m", "15m or 1h"),
  PRESENCE_TTL: duration("30s", "30s or 1m"),
  TYPING_MAX_ROOM_SIZE: z.coerce.number().int().min(0).default(200),
  TRUSTED_PROXIES: listText,
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  METRICS_HOST: z.string().default("127.0.0.1"),
  METRICS_TOKEN: z
    .string()
    .optional()
    .transform((v) => (v ? v : undefined))
    .refine((v) => v === undefined || v.length >= 16, "must be at least 16 characters"),
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
  MAX_RESUME_DEPTH: z.coerce.number().int().min(1).default(10_000),
  PERSISTED_QUERY_MANIFEST: z
    .string()
    .optional()
    .transform((path, ctx) => {
      if (!path) return null;
      const read = readManifest(path);
      if ("problem" in read) {
        ctx.addIssue({ code: "custom", message: read.problem });
        return z.NEVER;
      }
      return read.manifest;
    }),
  TRUSTED_DOCUMENTS_ONLY: booleanText.default(false),
});

/** Rules between variables, checked on the raw text so they are listed with every other problem. */
function crossProblems(env: NodeJS.ProcessEnv): string[] {
  const only = ["true", "1", "yes"].includes(env["TRUSTED_DOCUMENTS_ONLY"] ?? "");
  return only && !env["PERSISTED_QUERY_MANIFEST"] ? ["TRUSTED_DOCUMENTS_ONLY: needs PERSISTED_QUERY_MANIFEST (the operations that may run)"] : [];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Reads the environment once; every bad variable is reported together. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
  problems.push(...crossProblems(env));
  if (env["REDIS_CLUSTER_NODES"]) {
    if (env["REDIS_URL"]) problems.push("REDIS_CLUSTER_NODES: set REDIS_URL (one Redis) or REDIS_CLUSTER_NODES (a cluster), not both");
    // A brace in the prefix would become every channel's and key's hash tag: one slot for all.
    if (/[{}]/.test(env["REDIS_PREFIX"] ?? "")) problems.push("REDIS_PREFIX: must not contain { or } with REDIS_CLUSTER_NODES");
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
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
    redisClusterNodes: e.REDIS_CLUSTER_NODES,
    redisPrefix: e.REDIS_PREFIX,
    sendRateLimit: e.SEND_RATE_LIMIT,
    allowedOrigins: e.ALLOWED_ORIGINS,
    secretKey: e.SECRET_KEY,
    tokenTtlSeconds: e.TOKEN_TTL,
    sessionMaxAgeSeconds: e.SESSION_MAX_AGE,
    renewalGraceSeconds: e.TOKEN_RENEWAL_GRACE,
    editWindowSeconds: e.EDIT_WINDOW,
    presenceTtlSeconds: e.PRESENCE_TTL,
    typingMaxRoomSize: e.TYPING_MAX_ROOM_SIZE,
    trustedProxies: e.TRUSTED_PROXIES,
    registerRateLimit: e.REGISTER_RATE_LIMIT,
    metrics: { port: e.METRICS_PORT ?? null, host: e.METRICS_HOST, token: e.METRICS_TOKEN ?? null },
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
      maxResumeDepth: e.MAX_RESUME_DEPTH,
    },
    trustedDocuments: { manifest: e.PERSISTED_QUERY_MANIFEST ?? null, only: e.TRUSTED_DOCUMENTS_ONLY },
  };
}
