import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Workspace packages resolve to their TypeScript source (the custom condition): tests need no build.
  ssr: { resolve: { conditions: ['@tinyagent/source', ...defaultServerConditions] } },
  test: {
    name: 'dbos',
    include: ['src/**/*.test.ts'],
    // The guard of @tinyagent/testing (no real keys, a dead OpenAI base URL). Named by path: vitest
    // resolves setup files without the source condition, so '@tinyagent/testing/setup' would need
    // a build of the testing package first.
    setupFiles: ['../testing/src/setup.ts'],
    // A real PostgreSQL for every test file: DATABASE_URL, or the one tools/scripts/ensure-postgres.sh starts.
    globalSetup: ['./src/test-support/postgres-setup.ts'],
    // Worker processes start DBOS and recover runs: seconds each on a loaded 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
