import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain script, without types
import { buildServer, isStale, STAMP } from "../scripts/build-server.mjs";
import { freshSqlite, type TestDatabase } from "./support/databases.js";

const stale = isStale as (root: string) => boolean;

describe("a developer's commands", () => {
  describe("deciding whether server/dist must be rebuilt", () => {
    const root = mkdtempSync(join(tmpdir(), "educa-chat-build-"));
    const inputs = ["server/src/main.ts", "server/src/auth/tokens.ts", "server/tsconfig.build.json", "tsconfig.json", "package-lock.json"];
    const written = new Date(Date.now() - 120_000);
    const built = new Date(Date.now() - 60_000);

    /** Sets every file and folder under `path` to `at`. */
    const age = (path: string, at: Date) => {
      if (statSync(path).isDirectory()) for (const name of readdirSync(path)) age(join(path, name), at);
      utimesSync(path, at, at);
    };
    /** A checkout whose every input was written before its last build. */
    const checkout = () => {
      rmSync(join(root, "server"), { recursive: true, force: true });
      for (const path of [...inputs, STAMP]) {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        writeFileSync(join(root, path), "");
      }
      age(root, written);
      utimesSync(join(root, STAMP), built, built);
      expect(stale(root)).toBe(false);
    };
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    it("rebuilds when never built, or after a source is edited, added or deleted, or the settings or packages change", () => {
      const changes: Record<string, () => void> = {
        "never built": () => rmSync(join(root, STAMP)),
        "source edited": () => writeFileSync(join(root, "server/src/auth/tokens.ts"), "export {};"),
        "source added": () => writeFileSync(join(root, "server/src/auth/new.ts"), ""),
        "source deleted": () => rmSync(join(root, "server/src/auth/tokens.ts")),
        "build settings": () => writeFileSync(join(root, "server/tsconfig.build.json"), "{}"),
        "packages installed": () => writeFileSync(join(root, "package-lock.json"), "{}"),
      };
      for (const [name, change] of Object.entries(changes)) {
        checkout();
        change();
        expect(stale(root), name).toBe(true);
      }
    });
  });

  it("runs the test prerequisites before `npm test`, with nothing to do where all is set up", () => {
    const run = spawnSync("npm", ["run", "--silent", "pretest"], { cwd: process.cwd(), encoding: "utf8" });
    expect(run.status, run.stderr).toBe(0);
    // Every action the script takes (installing, starting) says so on a line of its own.
    expect(`${run.stdout}${run.stderr}`).not.toContain("test prerequisites:");
  });

  describe("npm run manage on this checkout", () => {
    let db: TestDatabase;
    const repo = process.cwd();
    const output = join(repo, "server/dist/cli/manage.js");

    beforeAll(() => {
      db = freshSqlite();
      expect((buildServer as (root: string) => { status: number })(repo).status).toBe(0);
    });
    afterAll(() => db?.drop());

    it("runs `npm run manage` without rebuilding an up-to-date server/dist", () => {
      const builtAt = statSync(output).mtimeMs;
      const run = spawnSync("npm", ["run", "--silent", "manage", "--", "migrate"], { cwd: repo, encoding: "utf8", env: { ...process.env, DATABASE_URL: db.url } });
      expect(run.status, run.stderr).toBe(0);
      expect(statSync(output).mtimeMs).toBe(builtAt);
      expect(stale(repo)).toBe(false);
    });
  });
});
