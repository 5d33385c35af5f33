// Vitest setup for agent tests: point the OpenAI client at a port nobody listens on and drop real
// keys, so a code path that forgets its base URL fails at once on loopback instead of reaching the
// internet (or spending real tokens). Use it with `setupFiles: ['@tinyagent/testing/setup']`.
import { DEAD_BASE_URL } from './dead-base-url.ts';

process.env.OPENAI_BASE_URL = DEAD_BASE_URL;
delete process.env.OPENAI_API_KEY;
delete process.env.BRAVE_SEARCH_API_KEY;
