import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Workspace packages resolve to their TypeScript source (the custom condition): tests need no build.
  ssr: { resolve: { conditions: ['@tinyagent/source', ...defaultServerConditions] } },
  test: {
    name: 'react-agent',
    include: ['src/**/*.test.ts'],
    // By path: inside the workspace the package's setup export would resolve to its unbuilt dist/.
    setupFiles: ['../testing/src/setup.ts'],
  },
});
