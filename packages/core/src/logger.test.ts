import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MockInstance } from 'vitest';
import { MAX_LOG_MESSAGE_LENGTH, createConsoleLogger, getLogger, setLogger } from './logger.ts';
import type { Logger, LogLevel } from './logger.ts';
import { registerSecret } from './secrets.ts';

let stderrWrite: MockInstance<typeof process.stderr.write>;

beforeEach(() => {
  stderrWrite = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});

afterEach(() => {
  stderrWrite.mockRestore();
  vi.unstubAllEnvs();
  setLogger(undefined);
});

function written(): string[] {
  return stderrWrite.mock.calls.map(([chunk]) => String(chunk));
}

function logAtEveryLevel(logger: Logger): void {
  logger.debug('d');
  logger.info('i');
  logger.warn('w');
  logger.error('e');
}

describe('createConsoleLogger', () => {
  it('writes warnings and errors to stderr by default, as tagged lines', () => {
    logAtEveryLevel(createConsoleLogger());

    expect(written()).toEqual(['[tinyagent] warn: w\n', '[tinyagent] error: e\n']);
  });

  it.each<[LogLevel, string[]]>([
    ['debug', ['debug', 'info', 'warn', 'error']],
    ['info', ['info', 'warn', 'error']],
    ['warn', ['warn', 'error']],
    ['error', ['error']],
    ['silent', []],
  ])('at level %s writes %j', (level, expected) => {
    logAtEveryLevel(createConsoleLogger(level));

    expect(written().map((line) => /^\[tinyagent\] (\w+):/.exec(line)?.[1])).toEqual(expected);
  });
});

describe('getLogger', () => {
  it('hands the installed logger messages with secrets already redacted', () => {
    const seen: string[] = [];
    const push = (message: string): void => {
      seen.push(message);
    };
    setLogger({ debug: push, info: push, warn: push, error: push });
    registerSecret('sk-logged-secret-1');
    vi.stubEnv('OPENAI_API_KEY', 'sk-logged-env-key');

    const logger = getLogger();
    logger.debug('key sk-logged-secret-1');
    logger.info('env sk-logged-env-key');
    logger.warn('both sk-logged-secret-1 sk-logged-env-key');
    logger.error('none');

    expect(seen).toEqual(['key [redacted]', 'env [redacted]', 'both [redacted] [redacted]', 'none']);
  });

  it('cuts a huge message to a bounded line that says how much was cut', () => {
    getLogger().warn(`listener threw ${'x'.repeat(5_000_000)}`);

    const [line = ''] = written();
    expect(line.length).toBeLessThan(MAX_LOG_MESSAGE_LENGTH + 100);
    expect(line).toMatch(/^\[tinyagent\] warn: listener threw x+ \[\.\.\. 4998015 more characters cut\]\n$/);
  });

  it('redacts a secret before cutting, so a cut never leaves part of it', () => {
    const seen: string[] = [];
    const push = (message: string): void => {
      seen.push(message);
    };
    setLogger({ debug: push, info: push, warn: push, error: push });
    registerSecret('sk-secret-at-the-cut-0123456789');

    getLogger().warn(`${'y'.repeat(MAX_LOG_MESSAGE_LENGTH - 10)}sk-secret-at-the-cut-0123456789`);

    expect(seen[0]).not.toContain('sk-secret');
    expect(seen[0]).toContain('[redacted]');
  });

  it('goes back to the stderr logger when the installed one is removed', () => {
    const seen: string[] = [];
    setLogger({ debug: () => undefined, info: () => undefined, warn: (m) => seen.push(m), error: () => undefined });
    getLogger().warn('to the installed logger');

    setLogger(undefined);
    getLogger().warn('to stderr');

    expect(seen).toEqual(['to the installed logger']);
    expect(written()).toEqual(['[tinyagent] warn: to stderr\n']);
  });

  it('takes the default level from TINYAGENT_LOG_LEVEL', () => {
    vi.stubEnv('TINYAGENT_LOG_LEVEL', 'debug');
    setLogger(undefined);

    getLogger().debug('details');

    expect(written()).toEqual(['[tinyagent] debug: details\n']);
  });

  it.each(['verbose', 'constructor', 'toString'])('falls back to warn for the unknown level %s', (level) => {
    vi.stubEnv('TINYAGENT_LOG_LEVEL', level);
    setLogger(undefined);

    logAtEveryLevel(getLogger());

    expect(written()).toEqual(['[tinyagent] warn: w\n', '[tinyagent] error: e\n']);
  });
});
