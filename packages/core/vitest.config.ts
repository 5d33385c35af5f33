import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Workspace packages resolve to their TypeScript source (the custom condition): tests need no build.
  ssr: { resolve: { conditions: ['@tinyagent/source', ...defaultServerConditions] } },
  test: {
    name: 'core',
    include: ['src/**/*.test.ts'],
    // The shared guard of @tinyagent/testing (no real key, a dead base URL). Core cannot depend on
    // the testing package, which depends on core, so the file is named by path.
    setupFiles: ['../testing/src/setup.ts'],
  },
});
