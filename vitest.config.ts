import { defineConfig } from "vitest/config";

// Tests start real processes and containers on a 2-core machine: one file at a time.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    reporters: ["default"],
  },
});
