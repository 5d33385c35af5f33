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
    name: 'otel',
    include: ['src/**/*.test.ts'],
    // The guard of @tinyagent/testing (no real keys, a dead OpenAI base URL). Named by path: vitest
    // resolves setup files without the source condition, so '@tinyagent/testing/setup' would need
    // a build of the testing package first.
    setupFiles: ['../testing/src/setup.ts'],
  },
});
