import { type EntityManager, UniqueConstraintViolationException } from "@mikro-orm/core";
import argon2 from "argon2";
import { LRUCache } from "lru-cache";
import { z } from "zod";
import { Coalescer } from "../db/coalescer.js";
import { BadUserInputError, UnauthenticatedError } from "../errors.js";
import { parseInput } from "../validation.js";
import type { CurrentUser } from "./current-user.js";
import type { Logger } from "pino";
import type { RoomBus } from "../realtime/room-bus.js";
import type { LoginThrottle } from "./login-throttle.js";
import type { TokenService } from "./tokens.js";
import { Role, User } from "./user.entity.js";

export const usernameSchema = z
  .string()
  .trim()
  .min(3, "Username must be at least 3 characters.")
  .max(32, "Username must be at most 32 characters.")
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "Username may use letters, digits, '.', '_' and '-'.");

export const passwordSchema = z
  .string()
  .min(8, "Password must be at least 8 characters.")
  .max(256, "Password must be at most 256 characters.");

const hashOptions = { type: argon2.argon2id } as const;

export interface AuthResult {
  token: string;
  user: User;
}

/** The bus topic (room 0) on which a role change tells every instance to forget its snapshot. */
export const USERS_TOPIC = "users";
export const USERS_ROOM = 0;

/**
 * How long a request may see a user as they were read. Every HTTP request names its user, and
 * reading the row each time was a fifth of a small request's cost. Changes made through the
 * server are seen at once on every instance (see forgetUser); the manage command reaches
 * running servers only when this runs out.
 */
export const USER_SNAPSHOT_TTL_MS = 30_000;

export class AuthService {
  // A real hash to verify against when the username is unknown, so both paths take as long.
  private readonly decoyHash: Promise<string> = argon2.hash("decoy-password-for-timing", hashOptions);

  /** Concurrent lookups of one user share one read; a missing user is not kept. */
  private readonly snapshots = new LRUCache<number, CurrentUser, EntityManager>({
    max: 100_000,
    ttl: USER_SNAPSHOT_TTL_MS,
    fetchMethod: async (id, _stale, { context: em }) => (await this.userReads.run({ id, em })) ?? undefined,
  });

  /** Reads of users not kept (a reconnect storm's sockets) coalesced into one query per batch. */
  private readonly userReads = new Coalescer<{ id: number; em: EntityManager }, CurrentUser | null>(async (reads) => {
    // Outside the request's identity map: nothing the request flushes later can touch the rows.
    const ids = [...new Set(reads.map((r) => r.id))];
    const users = await reads[0]!.em.find(User, { id: { $in: ids } }, { disableIdentityMap: true });
    const byId = new Map(users.map((user) => [user.id, snapshotOf(user)]));
    return reads.map((r) => byId.get(r.id) ?? null);
  });

  constructor(
    readonly tokens: TokenService,
    private readonly throttle: LoginThrottle,
  ) {}

  async createUser(em: EntityManager, username: string, password: string, role = Role.Student): Promise<User> {
    const name = parseInput(usernameSchema, username, "username");
    const secret = parseInput(passwordSchema, password, "password");
    const user = em.create(User, {
      username: name,
      usernameKey: name.toLowerCase(),
      passwordHash: await argon2.hash(secret, hashOptions),
      role,
      createdAt: new Date(),
    });
    try {
      await em.persistAndFlush(user);
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) {
        throw new BadUserInputError("That username is taken.", "username");
      }
      throw err;
    }
    return user;
  }

  async register(em: EntityManager, username: string, password: string): Promise<AuthResult> {
    const user = await this.createUser(em, username, password, Role.Student);
    return { user, token: await this.tokens.issue(user.id) };
  }

  async login(em: EntityManager, username: string, password: string, address?: string): Promise<AuthResult> {
    const key = typeof username === "string" ? username.trim().toLowerCase() : "";
    await this.throttle.admit(key, address);
    const user = await em.findOne(User, { usernameKey: key }, { populate: ["passwordHash"] });
    const hash = user?.passwordHash ?? (await this.decoyHash);
    const matches = await argon2.verify(hash, password).catch(() => false);
    if (!user || !matches) {
      await this.throttle.failed(key);
      throw new BadUserInputError("Wrong username or password.");
    }
    return { user, token: await this.tokens.issue(user.id) };
  }

  /**
   * A new token for a user whose token is still valid, with a full TOKEN_TTL. The user is read
   * again, so a deleted account cannot renew and a changed role shows in the answer.
   */
  async refresh(em: EntityManager, userId: number): Promise<AuthResult> {
    await this.throttle.admitRenewal(userId);
    const user = await em.findOne(User, { id: userId });
    if (!user) throw new UnauthenticatedError();
    this.snapshots.set(user.id, snapshotOf(user));
    return { user, token: await this.tokens.issue(user.id) };
  }

  async setRole(em: EntityManager, username: string, role: Role): Promise<User> {
    const user = await em.findOne(User, { usernameKey: username.trim().toLowerCase() });
    if (!user) throw new BadUserInputError("No such user.", "username");
    user.role = role;
    await em.flush();
    this.forgetUser(user.id);
    await this.onUserChanged?.(user.id);
    return user;
  }

  /** Set by followChanges: tells the other instances (the manage commands have no one to tell). */
  private onUserChanged?: (userId: number) => Promise<void>;

  /**
   * Role changes made on any instance reach every instance's snapshots. Subscribing is retried
   * while the bus is down (the server still starts); returns the way to stop.
   */
  followChanges(bus: RoomBus, logger: Logger): () => void {
    let stopped = false;
    let unsubscribe: (() => void) | null = null;
    const attempt = () => {
      bus
        .subscribe<{ userId: number }>(USERS_TOPIC, USERS_ROOM, (change) => this.forgetUser(change.userId), () => this.forgetAllUsers())
        .then(
          (stop) => {
            if (stopped) return stop();
            unsubscribe = stop;
            this.forgetAllUsers(); // whatever changed before we listened
          },
          (err: unknown) => {
            logger.warn({ err: err instanceof Error ? err.message : err }, "user changes not followed yet; retrying");
            if (!stopped) setTimeout(attempt, 2000).unref();
          },
        );
    };
    attempt();
    this.onUserChanged = (userId) =>
      bus.publish(USERS_TOPIC, USERS_ROOM, { userId }).catch((err: unknown) => {
        // Stored already; other instances see it when their snapshot runs out.
        logger.warn({ err, userId }, "user change not published");
      });
    return () => {
      stopped = true;
      unsubscribe?.();
    };
  }

  /** The next request of this user reads their row again. */
  forgetUser(userId: number): void {
    this.snapshots.delete(userId);
  }

  /** After a pub/sub outage a change may have been missed: every user is read again. */
  forgetAllUsers(): void {
    this.snapshots.clear();
  }

  /**
   * Resolves a bearer token to the user it names; null when the token or user is not valid.
   * `fresh` reads the row even when a snapshot is kept (and keeps the new one).
   */
  async userForToken(em: EntityManager, token: string, options: { fresh?: boolean } = {}): Promise<(CurrentUser & { expiresAt: Date }) | null> {
    const check = await this.tokens.verify(token);
    if (!check.ok) return null;
    const user = await this.snapshots.fetch(check.claims.userId, { context: em, forceRefresh: options.fresh === true });
    if (!user) return null;
    return { ...user, expiresAt: check.claims.expiresAt };
  }
}

function snapshotOf(user: User): CurrentUser {
  return { id: user.id, username: user.username, role: user.role };
}
