/**
 * A base URL that refuses every connection: port 2 on loopback is privileged, never handed out by
 * port 0 and, unlike port 1, not on the fetch standard's list of blocked ports.
 * `@tinyagent/testing/setup` points OPENAI_BASE_URL at it.
 */
export const DEAD_BASE_URL = 'http://127.0.0.1:2/v1';
