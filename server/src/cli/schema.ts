import "reflect-metadata";
import { readFileSync, writeFileSync } from "node:fs";
import { schemaText } from "../schema.js";

/**
 * `schema.graphql` is what the resolvers emit. `--check` fails when the committed file
 * differs from what the server serves, so clients' codegen never drifts from the server.
 */
const file = "schema.graphql";
const text = await schemaText();
if (process.argv.includes("--check")) {
  let committed = "";
  try {
    committed = readFileSync(file, "utf8");
  } catch {
    // Missing counts as different.
  }
  if (committed !== text) {
    console.error(`${file} differs from the schema the server serves: run npm run schema:emit and commit it.`);
    process.exit(1);
  }
  console.log(`${file} matches the server.`);
} else {
  writeFileSync(file, text);
  console.log(`Wrote ${file}.`);
}
