import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Workspace packages resolve to their TypeScript source (the custom condition): tests need no build.
  ssr: { resolve: { conditions: ['@tinyagent/source', ...defaultServerConditions] } },
  test: {
    name: 'demo',
    include: ['src/**/*.test.ts'],
    setupFiles: ['../../packages/testing/src/setup.ts'],
  },
});
