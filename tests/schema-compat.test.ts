import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** The contract's minimum schema in these repositories: `Course.title` is promised, `overview` is not. */
const contract = `type Query { course(id: ID!): Course }\ntype Course { id: ID! title: String! }`;

/** A git repository whose schema.graphql went through the given versions, one commit each. */
function repoWith(...versions: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "schema-compat-"));
  dirs.push(dir);
  mkdirSync(join(dir, "docs"));
  writeFileSync(join(dir, "docs", "contract-schema.graphql"), contract);
  const git = (...args: string[]) => execFileSync("git", ["-C", dir, "-c", "user.name=t", "-c", "user.email=t@t", ...args]);
  git("init", "-q");
  for (const text of versions) {
    writeFileSync(join(dir, "schema.graphql"), text);
    git("add", "schema.graphql");
    git("commit", "-qm", "schema");
  }
  return dir;
}

const check = (dir: string) =>
  spawnSync(process.execPath, ["scripts/check-schema-compat.mjs", "--repo", dir], { encoding: "utf8" });

const v1 = `type Query { course(id: ID!): Course }\ntype Course { id: ID! title: String! overview: String! }`;

describe("the schema compatibility check (CI)", () => {
  it("passes additive changes", () => {
    const result = check(repoWith(v1, `${v1}\nextend type Course { slug: String }`));
    expect(result.status, result.stderr).toBe(0);
  });

  it("fails a removed field, a changed type and a new required argument", () => {
    const removed = check(repoWith(v1, `type Query { course(id: ID!): Course }\ntype Course { id: ID! title: String! }`));
    expect(removed.status).toBe(1);
    expect(removed.stderr).toContain("Course.overview was removed");
    const retyped = check(repoWith(v1, `type Query { course(id: ID!): Course }\ntype Course { id: ID! title: Int! overview: String! }`));
    expect(retyped.status).toBe(1);
    const required = check(repoWith(v1, `type Query { course(id: ID!, lang: String!): Course }\ntype Course { id: ID! title: String! overview: String! }`));
    expect(required.status).toBe(1);
  });

  it("allows removing a field that an earlier version deprecated", () => {
    const deprecated = `type Query { course(id: ID!): Course }\ntype Course { id: ID! title: String! overview: String! @deprecated(reason: "use title") }`;
    const removed = `type Query { course(id: ID!): Course }\ntype Course { id: ID! title: String! }`;
    const result = check(repoWith(v1, deprecated, removed));
    expect(result.status, result.stderr).toBe(0);
  });

  it("never allows removing what the API contract promises, deprecated or not", () => {
    const deprecated = `type Query { course(id: ID!): Course }\ntype Course { id: ID! title: String! @deprecated(reason: "gone soon") overview: String! }`;
    const removed = `type Query { course(id: ID!): Course }\ntype Course { id: ID! overview: String! }`;
    const result = check(repoWith(v1, deprecated, removed));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("what the API contract promises");
    expect(result.stderr).toContain("Course.title was removed");
  });
});
