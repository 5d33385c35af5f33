import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// `pnpm test`: every project's tests in one vitest process, ending with the totals line. Per project,
// `nx run-many -t test` uses each project's own vitest.config.ts (this file's name keeps Nx from
// inferring a second, all-project test target from it).
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    projects: ['packages/*/vitest.config.ts', 'apps/*/vitest.config.ts', 'tools/*/vitest.config.ts'],
    reporters: ['default', './tools/scripts/totals-reporter.ts'],
  },
});
