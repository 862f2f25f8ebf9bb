import { type EntityManager, UniqueConstraintViolationException } from "@mikro-orm/core";
import argon2 from "argon2";
import { z } from "zod";
import { BadUserInputError, UnauthenticatedError } from "../errors.js";
import { parseInput } from "../validation.js";
import type { CurrentUser } from "./current-user.js";
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

export class AuthService {
  // A real hash to verify against when the username is unknown, so both paths take as long.
  private readonly decoyHash: Promise<string> = argon2.hash("decoy-password-for-timing", hashOptions);

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
    return { user, token: await this.tokens.issue(user.id) };
  }

  async setRole(em: EntityManager, username: string, role: Role): Promise<User> {
    const user = await em.findOne(User, { usernameKey: username.trim().toLowerCase() });
    if (!user) throw new BadUserInputError("No such user.", "username");
    user.role = role;
    await em.flush();
    return user;
  }

  /** Resolves a bearer token to the user it names; null when the token or user is not valid. */
  async userForToken(em: EntityManager, token: string): Promise<(CurrentUser & { expiresAt: Date }) | null> {
    const check = await this.tokens.verify(token);
    if (!check.ok) return null;
    const user = await em.findOne(User, { id: check.claims.userId });
    if (!user) return null;
    return { id: user.id, username: user.username, role: user.role, expiresAt: check.claims.expiresAt };
  }
}
