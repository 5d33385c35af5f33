import { defineConfig } from 'vitest/config';

// `pnpm test` runs every project's tests in one vitest process; `nx run-many -t test` runs them per
// project through the configs below.
export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts', 'apps/*/vitest.config.ts', 'tools/*/vitest.config.ts'],
    reporters: ['default', './tools/scripts/totals-reporter.ts'],
  },
});
