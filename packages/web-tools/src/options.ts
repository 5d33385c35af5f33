import { ConfigurationError } from '@tinyagent/core';
import type { z } from '@tinyagent/core';
import { MAX_DELAY_MS } from '@tinyagent/core/internal';

/** The message of a delay option past MAX_DELAY_MS: Node fires a longer timer after 1 ms. */
export const DELAY_BOUND = `must be at most ${MAX_DELAY_MS} ms (about 24.8 days), the longest a timer can wait`;

/**
 * Validates a factory's options with its zod schema; bad options are a programming error, so they
 * throw a ConfigurationError naming every problem and the factory.
 */
export function parseOptions<Schema extends z.ZodType>(
  factory: string,
  schema: Schema,
  options: unknown,
): z.output<Schema> {
  const result = schema.safeParse(options ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return path === '' ? issue.message : `${path}: ${issue.message}`;
  });
  throw new ConfigurationError(`${factory}: invalid options: ${problems.join('; ')}.`, { cause: result.error });
}

/** True for an absolute http or https URL. */
export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** `url` without the slashes it ends with, so that a path can be appended (`https://x.test//` → `https://x.test`). */
export function withoutTrailingSlashes(url: string): string {
  // A loop, not `/\/+$/`: that pattern is tried at every position of a long run of slashes.
  let end = url.length;
  while (end > 0 && url.charAt(end - 1) === '/') end -= 1;
  return url.slice(0, end);
}
