import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  ssr: { resolve: { conditions: ['@tinyagent/source', ...defaultServerConditions] } },
  test: {
    name: 'bench',
    include: ['src/**/*.test.ts'],
  },
});
