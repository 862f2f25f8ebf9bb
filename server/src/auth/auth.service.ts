import { type EntityManager, UniqueConstraintViolationException } from "@mikro-orm/core";
import argon2 from "argon2";
import { LRUCache } from "lru-cache";
import { z } from "zod";
import { Coalescer } from "../db/coalescer.js";
import { epochMsOrNull, type RawReader } from "../db/raw-reader.js";
import { BadUserInputError, UnauthenticatedError } from "../errors.js";
import type { RoomBus } from "../realtime/room-bus.js";
import { isStorableText, parseInput } from "../validation.js";
import type { AuthChangeNotice, AuthFeed } from "./auth-feed.js";
import { fetchSurvivingForget } from "./cache-fetch.js";
import type { CurrentUser } from "./current-user.js";
import type { LoginThrottle } from "./login-throttle.js";
import { sessionDeadline, type Sessions } from "./sessions.js";
import type { TokenClaims, TokenService } from "./tokens.js";
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

/** What a login may be looked up with: anything storable (a wrong name is just a wrong name). */
const loginNameSchema = z.string().max(256, "Wrong username or password.").refine(isStorableText, "A username is well-formed text without NUL characters.");

const hashOptions = { type: argon2.argon2id } as const;

export interface AuthResult {
  token: string;
  user: User;
}

/** Who a request or socket acts for, as checked now. */
export interface Authenticated {
  user: CurrentUser;
  /** When the credentials stop counting (ms): the token's expiry, its session's end or grace. */
  until: number;
}

interface UserState extends CurrentUser {
  tokensValidAfter: number | null;
}

/** The columns a user's state needs, as the database answers them. */
interface UserRow {
  id: number | string;
  username: string;
  role: string;
  tokensValidAfter: unknown;
}

function stateOf(row: UserRow): UserState {
  return { id: Number(row.id), username: row.username, role: row.role as Role, tokensValidAfter: epochMsOrNull(row.tokensValidAfter) };
}

/**
 * Accounts, logins and sessions. Every request and every socket operation asks `check` who its
 * token stands for now: users and sessions are cached, and the cache entry goes the moment a
 * change is made anywhere (the auth feed), so a role change or a logout counts at once here and
 * within a second on every other instance.
 */
export class AuthService {
  // A real hash to verify against when the username is unknown, so both paths take as long.
  private readonly decoyHash: Promise<string> = argon2.hash("decoy-password-for-timing", hashOptions);

  private readonly users = new LRUCache<number, UserState, EntityManager>({
    max: 100_000,
    ttl: 5 * 60_000,
    fetchMethod: async (id, _stale, { context: em }) => (await this.userReads.run({ id, em })) ?? undefined,
  });

  /** Reads of users not kept (a reconnect storm's sockets) coalesced into one query per batch. */
  private readonly userReads = new Coalescer<{ id: number; em: EntityManager }, UserState | null>(async (reads) => {
    // Plain rows, outside any identity map: a connect storm reads a user per socket, and
    // hydrating entities was a good part of each socket's CPU.
    const ids = [...new Set(reads.map((r) => r.id))];
    const { em } = reads[0]!;
    this.userSql ??= this.reader.selectIn(em, User, ["id", "username", "role", "tokensValidAfter"], "id", "ids");
    const rows = await this.reader.read<UserRow>(em, this.userSql, [this.reader.ids(ids)]);
    const byId = new Map(rows.map((row) => [Number(row.id), stateOf(row)]));
    return reads.map((r) => byId.get(r.id) ?? null);
  });
  private userSql: string | undefined;

  /** Arrays, not sets: most users have one stream open, and a set costs each of them 150 bytes. */
  private readonly watchers = new Map<number, (() => void)[]>();
  private readonly changeListeners = new Set<(change: AuthChangeNotice) => void>();
  private bus: RoomBus | undefined;

  constructor(
    readonly tokens: TokenService,
    private readonly throttle: LoginThrottle,
    readonly sessions: Sessions,
    private readonly feed: AuthFeed,
    private readonly reader: RawReader,
  ) {
    feed.on((change) => this.applyChange(change));
  }

  /** Follows changes made on other instances and by the manage commands. */
  async follow(bus: RoomBus | undefined): Promise<void> {
    this.bus = bus;
    await this.feed.start(bus);
  }

  stopFollowing(): void {
    this.feed.stop();
  }

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

  async register(em: EntityManager, username: string, password: string, address: string): Promise<AuthResult> {
    // Checked before the counted part, so a typo does not use up the address's allowance.
    parseInput(usernameSchema, username, "username");
    parseInput(passwordSchema, password, "password");
    await this.throttle.admitRegistration(address);
    const user = await this.createUser(em, username, password, Role.Student);
    return { user, token: await this.sessions.start(em, user.id) };
  }

  async login(em: EntityManager, username: unknown, password: unknown, address: string): Promise<AuthResult> {
    const key = parseInput(loginNameSchema, username, "username").trim().toLowerCase();
    if (typeof password !== "string") throw new BadUserInputError("Wrong username or password.");
    await this.throttle.admit(key, address);
    const user = await em.findOne(User, { usernameKey: key }, { populate: ["passwordHash"] });
    const hash = user?.passwordHash ?? (await this.decoyHash);
    const matches = await argon2.verify(hash, password).catch(() => false);
    if (!user || !matches) {
      await this.throttle.failed(key, address);
      throw new BadUserInputError("Wrong username or password.");
    }
    await this.throttle.succeeded(key, address);
    return { user, token: await this.sessions.start(em, user.id) };
  }

  /** A session for a user, without a password (seeding, tests, benchmarks). */
  startSession(em: EntityManager, userId: number): Promise<string> {
    return this.sessions.start(em, userId);
  }

  /**
   * The session's next token, valid for a full TOKEN_TTL but never past the session's maximum
   * age; the presented token stops counting a minute later. The user is read again, so a
   * deleted account cannot renew and a changed role shows in the answer.
   */
  async refresh(em: EntityManager, claims: TokenClaims): Promise<AuthResult> {
    await this.throttle.admitRenewal(claims.userId);
    const user = await em.findOne(User, { id: claims.userId });
    if (!user) throw new UnauthenticatedError();
    const { token, changed } = await this.sessions.renew(em, claims);
    if (changed) await this.feed.announce(changed, this.bus);
    return { user, token };
  }

  /** This device: its token (and the session's other generations) stop counting everywhere. */
  async logout(em: EntityManager, claims: TokenClaims): Promise<void> {
    if (!claims.session) return this.logoutEverywhere(em, claims.userId);
    await this.feed.announce(await this.sessions.revoke(em, claims.userId, claims.session.id), this.bus);
  }

  async logoutEverywhere(em: EntityManager, userId: number): Promise<void> {
    await this.feed.announce(await this.sessions.revokeAll(em, userId), this.bus);
  }

  async setRole(em: EntityManager, username: string, role: Role): Promise<User> {
    const key = parseInput(loginNameSchema, username, "username").trim().toLowerCase();
    const { user, changed } = await em.transactional(async (tx) => {
      const found = await tx.findOne(User, { usernameKey: key });
      if (!found) throw new BadUserInputError("No such user.", "username");
      found.role = role;
      return { user: found, changed: this.feed.record(tx, found.id) };
    });
    await this.feed.announce(changed, this.bus);
    return user;
  }

  /** The token's claims when its signature and expiry hold; whether it still counts is `check`'s. */
  verify(token: string): TokenClaims | null {
    const result = this.tokens.verify(token);
    return result.ok ? result.claims : null;
  }

  /**
   * Who these claims stand for now, and until when; null when they no longer count. `fresh`
   * reads the rows even when cached (a new connection: it also finds out whether the database
   * answers before the client settles in).
   */
  async check(em: EntityManager, claims: TokenClaims, options: { fresh?: boolean } = {}): Promise<Authenticated | null> {
    const fresh = options.fresh === true;
    const [user, session] = await Promise.all([
      (!fresh && this.users.get(claims.userId)) || fetchSurvivingForget(this.users, claims.userId, em, fresh),
      claims.session ? (!fresh && this.sessions.peek(claims.session.id)) || this.sessions.state(em, claims.session.id, fresh) : undefined,
    ]);
    if (!user) return null;
    if (!claims.session && user.tokensValidAfter !== null && claims.issuedAtMs < user.tokensValidAfter) return null;
    const until = sessionDeadline(claims, session);
    if (until === null) return null;
    return { user: { id: user.id, username: user.username, role: user.role }, until };
  }

  /** The user as they are now (their role may have changed since a stream started). */
  async currentUser(em: EntityManager, userId: number): Promise<CurrentUser | null> {
    const user = this.users.get(userId) ?? (await fetchSurvivingForget(this.users, userId, em, false));
    return user ? { id: user.id, username: user.username, role: user.role } : null;
  }

  /**
   * Calls `onChange` whenever something about the user changes (role, sessions), here or on
   * another instance: long-lived streams check again what the user may still see.
   */
  watch(userId: number, onChange: () => void): () => void {
    let watching = this.watchers.get(userId);
    if (watching) watching.push(onChange);
    else this.watchers.set(userId, (watching = [onChange]));
    const list = watching;
    return () => {
      const at = list.indexOf(onChange);
      if (at >= 0) list.splice(at, 1);
      if (list.length === 0 && this.watchers.get(userId) === list) this.watchers.delete(userId);
    };
  }

  /** Every change, after the caches dropped it: the transport re-checks the sockets concerned. */
  onChange(listener: (change: AuthChangeNotice) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  private applyChange(change: AuthChangeNotice): void {
    this.users.delete(change.userId);
    if (change.sessionId) this.sessions.forget(change.sessionId);
    else this.sessions.forgetUser(change.userId);
    for (const listener of this.changeListeners) listener(change);
    // A copy: a callback may stop watching (or another start) while they are called.
    for (const onChange of [...(this.watchers.get(change.userId) ?? [])]) onChange();
  }
}
