import { createRequire } from "node:module";
import swc from "unplugin-swc";
import { defineConfig } from "vitest/config";

const require = createRequire(import.meta.url);

const ALL = ["tests/**/*.test.ts", "server/src/**/*.test.ts", "client/src/**/*.test.ts"];
const TIMED = ["tests/faults/replay.test.ts", "tests/faults/flood.test.ts"];

// type-graphql and MikroORM read design-time types, which esbuild drops: SWC keeps them.
export default defineConfig({
  plugins: [
    swc.vite({
      jsc: {
        parser: { syntax: "typescript", decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
        target: "es2022",
      },
    }),
  ],
  resolve: {
    // Node loads graphql's CommonJS entry for the libraries; Vite would pick its .mjs for our
    // code, and two copies of graphql refuse each other's schema. One copy, as in production.
    alias: [{ find: /^graphql$/, replacement: require.resolve("graphql") }],
  },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    projects: [
      {
        extends: true,
        test: { name: "suite", include: ALL, exclude: TIMED, fileParallelism: true, maxWorkers: 2, sequence: { groupOrder: 0 } },
      },
      {
        // Files that compare other users' latency under a load they make themselves: run alone,
        // after the rest, so that another test file's work is not counted as theirs.
        extends: true,
        test: { name: "timed", include: TIMED, fileParallelism: false, maxWorkers: 1, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
