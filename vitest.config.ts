import swc from "unplugin-swc";
import { defineConfig } from "vitest/config";

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
  test: {
    include: ["tests/**/*.test.ts", "server/src/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    fileParallelism: true,
    maxWorkers: 2,
  },
});
