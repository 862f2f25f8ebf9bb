import { randomBytes } from "node:crypto";
import { type EntityManager, LockMode } from "@mikro-orm/core";
import { LRUCache } from "lru-cache";
import { Coalescer } from "../db/coalescer.js";
import { epochMs, epochMsOrNull, type RawReader } from "../db/raw-reader.js";
import { UnauthenticatedError } from "../errors.js";
import type { AuthChange } from "./auth-change.entity.js";
import type { AuthFeed } from "./auth-feed.js";
import { fetchSurvivingForget } from "./cache-fetch.js";
import { Session } from "./session.entity.js";
import type { TokenClaims, TokenService } from "./tokens.js";
import { User } from "./user.entity.js";

export interface SessionState {
  id: string;
  userId: number;
  generation: number;
  previousValidUntil: number | null;
  revokedAt: number | null;
  endsAt: number;
}

/** The columns a session's state needs, as the database answers them. */
interface SessionRow {
  id: string;
  user: number | string;
  generation: number | string;
  previousValidUntil: unknown;
  revokedAt: unknown;
  endsAt: unknown;
}

function rowState(row: SessionRow): SessionState {
  return {
    id: row.id,
    userId: Number(row.user),
    generation: Number(row.generation),
    previousValidUntil: epochMsOrNull(row.previousValidUntil),
    revokedAt: epochMsOrNull(row.revokedAt),
    endsAt: epochMs(row.endsAt),
  };
}

function stateOf(session: Session): SessionState {
  return {
    id: session.id,
    userId: session.user.id,
    generation: session.generation,
    previousValidUntil: session.previousValidUntil?.getTime() ?? null,
    revokedAt: session.revokedAt?.getTime() ?? null,
    endsAt: session.endsAt.getTime(),
  };
}

/**
 * Until when a token of this session counts (ms), or null when it no longer does: revoked,
 * past the session's maximum age, or from a renewal before the previous one.
 */
export function sessionDeadline(claims: TokenClaims, state: SessionState | undefined, now = Date.now()): number | null {
  if (!claims.session) return claims.expiresAtMs;
  if (!state || state.revokedAt !== null || state.userId !== claims.userId) return null;
  let until = Math.min(claims.expiresAtMs, state.endsAt);
  if (claims.session.generation !== state.generation) {
    if (claims.session.generation !== state.generation - 1 || state.previousValidUntil === null) return null;
    until = Math.min(until, state.previousValidUntil);
  }
  return until > now ? until : null;
}

/** Sessions: started at login, renewed, revoked; their state cached and dropped on every change. */
export class Sessions {
  private readonly cache = new LRUCache<string, SessionState, EntityManager>({
    max: 100_000,
    // Changes arrive through the feed; this only bounds a row changed behind the server's back.
    ttl: 5 * 60_000,
    fetchMethod: async (id, _stale, { context: em }) => (await this.reads.run({ id, em })) ?? undefined,
  });

  /** A reconnect storm's sessions read in one query per batch. */
  private readonly reads = new Coalescer<{ id: string; em: EntityManager }, SessionState | null>(async (reads) => {
    // Plain rows, outside any identity map: hydrating entities cost a connect storm CPU per socket.
    const ids = [...new Set(reads.map((r) => r.id))];
    const { em } = reads[0]!;
    this.sql ??= this.reader.selectIn(em, Session, ["id", "user", "generation", "previousValidUntil", "revokedAt", "endsAt"], "id", "texts");
    const rows = await this.reader.read<SessionRow>(em, this.sql, [this.reader.texts(ids)]);
    const byId = new Map(rows.map((row) => [row.id, rowState(row)]));
    return reads.map((r) => byId.get(r.id) ?? null);
  });
  private sql: string | undefined;

  constructor(
    private readonly tokens: TokenService,
    private readonly feed: AuthFeed,
    private readonly maxAgeSeconds: number,
    /** After a renewal the previous token still works this long: other tabs, requests in flight. */
    private readonly renewalGraceSeconds: number,
    private readonly reader: RawReader,
  ) {}

  /** A new session for a login; its first token. */
  async start(em: EntityManager, userId: number, startedAt = new Date()): Promise<string> {
    const session = em.create(Session, {
      id: randomBytes(16).toString("base64url"),
      user: em.getReference(User, userId),
      createdAt: startedAt,
      endsAt: new Date(startedAt.getTime() + this.maxAgeSeconds * 1000),
      generation: 1,
    });
    await em.persistAndFlush(session);
    return this.tokens.issue(userId, { id: session.id, generation: 1 }, session.endsAt);
  }

  /** Cached state; undefined when it has to be read. */
  peek(id: string): SessionState | undefined {
    return this.cache.get(id);
  }

  state(em: EntityManager, id: string, fresh = false): Promise<SessionState | undefined> {
    return fetchSurvivingForget(this.cache, id, em, fresh);
  }

  /**
   * The next generation's token. The presented one stops counting after the grace; a session
   * past its maximum age cannot be renewed (log in). A token from before sessions existed starts one.
   */
  async renew(em: EntityManager, claims: TokenClaims): Promise<{ token: string; changed: AuthChange | null }> {
    if (!claims.session) return { token: await this.start(em, claims.userId, new Date(claims.issuedAtMs)), changed: null };
    const sessionId = claims.session.id;
    return em.transactional(async (tx) => {
      const session = await tx.findOne(Session, { id: sessionId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!session || sessionDeadline(claims, stateOf(session)) === null) throw new UnauthenticatedError("This session has ended: log in again.");
      session.generation += 1;
      session.previousValidUntil = new Date(Date.now() + this.renewalGraceSeconds * 1000);
      const changed = this.feed.record(tx, claims.userId, sessionId);
      await tx.flush();
      this.cache.set(sessionId, stateOf(session));
      return { token: await this.tokens.issue(claims.userId, { id: sessionId, generation: session.generation }, session.endsAt), changed };
    });
  }

  /** Logs out one session; returns the change to announce once committed. */
  async revoke(em: EntityManager, userId: number, sessionId: string): Promise<AuthChange> {
    const changed = await em.transactional(async (tx) => {
      await tx.nativeUpdate(Session, { id: sessionId, user: userId, revokedAt: null }, { revokedAt: new Date() });
      return this.feed.record(tx, userId, sessionId);
    });
    this.cache.delete(sessionId);
    return changed;
  }

  /** Logs out every session of a user, and every token from before sessions. */
  async revokeAll(em: EntityManager, userId: number): Promise<AuthChange> {
    const changed = await em.transactional(async (tx) => {
      const now = new Date();
      await tx.nativeUpdate(Session, { user: userId, revokedAt: null }, { revokedAt: now });
      await tx.nativeUpdate(User, { id: userId }, { tokensValidAfter: now });
      return this.feed.record(tx, userId, null);
    });
    this.forgetUser(userId);
    return changed;
  }

  forget(sessionId: string): void {
    this.cache.delete(sessionId);
  }

  forgetUser(userId: number): void {
    for (const [id, state] of this.cache.entries()) if (state.userId === userId) this.cache.delete(id);
  }

  forgetAll(): void {
    this.cache.clear();
  }
}
