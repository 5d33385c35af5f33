import { redactSecrets } from './secrets.ts';
import { escapeControls } from './terminal-text.ts';

/** Where TinyAgent sends its diagnostics; replace it with `setLogger` to route them elsewhere. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Levels in increasing severity; a logger prints its level and above. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const order: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 };

/** Creates a logger that writes `[tinyagent] level: message` lines to stderr from `level` upwards, control characters escaped. */
export function createConsoleLogger(level: LogLevel = 'warn'): Logger {
  const write = (at: LogLevel, message: string): void => {
    if (order[at] < order[level]) return;
    process.stderr.write(`[tinyagent] ${at}: ${escapeControls(message)}\n`);
  };
  return {
    debug: (message) => write('debug', message),
    info: (message) => write('info', message),
    warn: (message) => write('warn', message),
    error: (message) => write('error', message),
  };
}

function levelFromEnvironment(): LogLevel {
  const value = process.env.TINYAGENT_LOG_LEVEL;
  return value !== undefined && Object.hasOwn(order, value) ? (value as LogLevel) : 'warn';
}

let sink: Logger = createConsoleLogger(levelFromEnvironment());

// Whatever logger is installed, it only ever sees redacted text.
const redacting: Logger = {
  debug: (message) => sink.debug(redactSecrets(message)),
  info: (message) => sink.info(redactSecrets(message)),
  warn: (message) => sink.warn(redactSecrets(message)),
  error: (message) => sink.error(redactSecrets(message)),
};

/**
 * The library's logger: by default warnings and errors to stderr (`TINYAGENT_LOG_LEVEL` changes the
 * level). Messages have secrets redacted before any installed logger sees them.
 */
export function getLogger(): Logger {
  return redacting;
}

/** Replaces the library's logger; pass `undefined` to restore the default. */
export function setLogger(logger: Logger | undefined): void {
  sink = logger ?? createConsoleLogger(levelFromEnvironment());
}
