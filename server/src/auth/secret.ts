import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Config } from "../config.js";

/**
 * The signing key. Production requires SECRET_KEY (config.ts refuses to start without it);
 * in development one is generated once and kept beside the SQLite file, so tokens survive
 * restarts without anyone having to invent a secret.
 */
export function resolveSecretKey(config: Config): string {
  if (config.secretKey) return config.secretKey;
  const folder = config.database.kind === "sqlite" ? dirname(config.database.path) : "data";
  const file = join(folder, "secret-key");
  try {
    const existing = readFileSync(file, "utf8").trim();
    if (existing.length >= 32) return existing;
  } catch {
    // Not there yet: make one below.
  }
  mkdirSync(folder, { recursive: true });
  const key = randomBytes(48).toString("base64url");
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}
