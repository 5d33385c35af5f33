import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  ssr: { resolve: { conditions: ['@tinyagent/source', ...defaultServerConditions] } },
  test: {
    name: 'reliability',
    include: ['src/**/*.test.ts'],
    setupFiles: ['../../packages/testing/src/setup.ts'],
    // The fuzz tests measure the heap after a full collection.
    execArgv: ['--expose-gc'],
  },
});
