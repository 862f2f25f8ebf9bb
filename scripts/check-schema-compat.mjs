// Fails when schema.graphql breaks clients: checks it against the contract's minimum schema
// (docs/contract-schema.graphql: nothing of it may ever go), compares each committed version of
// the schema with the one before it, and the working tree with HEAD. Mobile apps in the field keep sending old
// queries, so a field may only be removed after a release that marked it @deprecated.
//   node scripts/check-schema-compat.mjs [--repo DIR]
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { BreakingChangeType, buildSchema, findBreakingChanges, isInterfaceType, isObjectType, isInputObjectType } from "graphql";

const repoFlag = process.argv.indexOf("--repo");
const repo = repoFlag > 0 ? process.argv[repoFlag + 1] : process.cwd();
const file = "schema.graphql";
const git = (...args) => execFileSync("git", ["-C", repo, ...args], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });

function deprecatedFields(schema) {
  const fields = new Set();
  for (const type of Object.values(schema.getTypeMap())) {
    if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (field.deprecationReason) fields.add(`${type.name}.${field.name}`);
      }
    }
  }
  return fields;
}

/** Breaking changes from `before` to `after`, less removals of fields deprecated in `before`. */
export function breakingChanges(beforeText, afterText) {
  const before = buildSchema(beforeText);
  const after = buildSchema(afterText);
  const deprecated = deprecatedFields(before);
  return findBreakingChanges(before, after).filter((change) => {
    if (change.type !== BreakingChangeType.FIELD_REMOVED) return true;
    const field = /^(\S+) was removed\.$/.exec(change.description)?.[1];
    return !(field && deprecated.has(field));
  });
}

// Each version against each version before it in history (its parents among the commits that
// changed the file): a merge keeps what every branch added.
const history = git("log", "--format=%H %P", "--parents", "--", file)
  .split("\n")
  .filter(Boolean)
  .map((line) => line.split(" ").filter(Boolean));
const textOf = new Map(history.map(([commit]) => [commit, git("show", `${commit}:${file}`)]));
const label = (commit) => commit.slice(0, 10);
const pairs = history.flatMap(([commit, ...parents]) => parents.filter((p) => textOf.has(p)).map((parent) => ({ before: parent, after: commit })));
const head = history[0]?.[0];
const working = readFileSync(join(repo, file), "utf8");
const versions = [...textOf.values(), working];

let failed = false;
const contract = readFileSync(join(repo, "docs/contract-schema.graphql"), "utf8");
const fromContract = findBreakingChanges(buildSchema(contract), buildSchema(working));
if (fromContract.length > 0) {
  failed = true;
  console.error("schema.graphql no longer offers what the API contract promises (docs/contract-schema.graphql):");
  for (const change of fromContract) console.error(`  - ${change.type}: ${change.description}`);
}
const comparisons = [
  ...pairs.map(({ before, after }) => ({ from: label(before), to: label(after), before: textOf.get(before), after: textOf.get(after) })),
  ...(head ? [{ from: label(head), to: "working tree", before: textOf.get(head), after: working }] : []),
];
for (const { from, to, before, after } of comparisons) {
  const changes = breakingChanges(before, after);
  if (changes.length === 0) continue;
  failed = true;
  console.error(`Breaking schema change in ${to} (from ${from}):`);
  for (const change of changes) console.error(`  - ${change.type}: ${change.description}`);
}
if (failed) {
  console.error("Deprecate first (@deprecated), remove in a later release; never change a type or add a required argument.");
  process.exit(1);
}
console.log(`${file}: keeps the contract's schema; no breaking change across ${versions.length} versions.`);
