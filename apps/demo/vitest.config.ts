import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Workspace packages resolve to their TypeScript source (the custom condition): tests need no build.
  // Without the bundlers' `module` condition: OpenTelemetry's packages map it to an ESM build whose
  // imports have no file extensions, which Node (running the tests) cannot load.
  ssr: {
    resolve: {
      conditions: ['@tinyagent/source', ...defaultServerConditions.filter((condition) => condition !== 'module')],
    },
  },
  test: {
    name: 'demo',
    include: ['src/**/*.test.ts'],
    setupFiles: ['../../packages/testing/src/setup.ts'],
  },
});
