import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const depcruise = resolve("node_modules/.bin/depcruise");
const cruise = (cwd: string, ...paths: string[]): { ok: boolean; out: string } => {
  try {
    return { ok: true, out: execFileSync(depcruise, [...paths, "--config", ".dependency-cruiser.cjs"], { cwd, encoding: "utf8", stdio: "pipe" }) };
  } catch (err) {
    return { ok: false, out: String((err as { stdout?: string }).stdout ?? err) };
  }
};

/** The import rules (.dependency-cruiser.cjs; `npm run lint:imports` holds the code to them) refuse each kind of breach. */
describe("import rules", () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it("refuse a transport that knows a feature, a timeline that knows messages, a resolver used outside the schema, and a cycle", () => {
    const dir = mkdtempSync(join(tmpdir(), "educa-imports-"));
    dirs.push(dir);
    const files: Record<string, string> = {
      "server/src/auth/auth.service.ts": "export const auth = 1;",
      "server/src/realtime/bus.ts": 'import { auth } from "../auth/auth.service.js"; export const bus = auth;',
      "server/src/messages/message.resolver.ts": "export const resolver = 1;",
      "server/src/timeline/writer.ts": 'import { resolver } from "../messages/message.resolver.js"; export const writer = resolver;',
      "server/src/reactions/a.ts": 'import { b } from "./b.js"; export const a = b;',
      "server/src/reactions/b.ts": 'import { a } from "./a.js"; export const b = 1; export const c = a;',
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    copyFileSync(".dependency-cruiser.cjs", join(dir, ".dependency-cruiser.cjs"));
    // The fixture has no tsconfig of its own.
    const config = readFileSync(join(dir, ".dependency-cruiser.cjs"), "utf8").replace(/tsConfig: \{[^}]*\},/, "");
    writeFileSync(join(dir, ".dependency-cruiser.cjs"), config);
    const result = cruise(dir, "server/src");
    expect(result.ok).toBe(false);
    for (const rule of ["transport-knows-no-feature", "timeline-is-extended-not-extending", "resolvers-only-from-the-schema", "no-circular"]) {
      expect(result.out).toContain(rule);
    }
  });
});
