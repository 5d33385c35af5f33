import { setLogger } from '@tinyagent/core';
import type { LogLevel } from '@tinyagent/core';

/** One line TinyAgent logged while captured. */
export interface CapturedLog {
  level: Exclude<LogLevel, 'silent'>;
  message: string;
}

/** What `captureLogs` collects; disposing it (or `restore()`) puts the default logger back. */
export interface LogCapture extends Disposable {
  /** Every line, in order. */
  readonly lines: CapturedLog[];
  /** The messages of the `warn` lines. */
  readonly warnings: string[];
  /** Forgets what was captured so far. */
  clear(): void;
  /** Puts the default logger back, as disposing does. */
  restore(): void;
}

/**
 * Routes TinyAgent's logger into memory, to assert on warnings (a prompt without `{tools}`, a
 * missing prompt file) and to keep test output quiet. Messages arrive with secrets redacted, as any
 * logger sees them. Use with `using`, or call `restore()` (for example in `afterEach`).
 */
export function captureLogs(): LogCapture {
  const lines: CapturedLog[] = [];
  const warnings: string[] = [];
  const record = (level: CapturedLog['level']) => (message: string) => {
    lines.push({ level, message });
    if (level === 'warn') warnings.push(message);
  };
  setLogger({ debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') });
  const restore = (): void => setLogger(undefined);
  return {
    lines,
    warnings,
    clear: () => {
      lines.length = 0;
      warnings.length = 0;
    },
    restore,
    [Symbol.dispose]: restore,
  };
}
