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

/** The longest message, in characters, that the library's logger passes on; the rest is cut with a note. */
export const MAX_LOG_MESSAGE_LENGTH = 2_000;

// A message may quote a thrown value or a reply of any size (a listener once threw a 5 MB string):
// one log line stays readable. Redaction runs first, so a secret is never cut in two and missed.
function bounded(message: string): string {
  const redacted = redactSecrets(message);
  if (redacted.length <= MAX_LOG_MESSAGE_LENGTH) return redacted;
  const last = redacted.charCodeAt(MAX_LOG_MESSAGE_LENGTH - 1);
  const end = last >= 0xd800 && last <= 0xdbff ? MAX_LOG_MESSAGE_LENGTH - 1 : MAX_LOG_MESSAGE_LENGTH;
  return `${redacted.slice(0, end)} [... ${redacted.length - end} more characters cut]`;
}

// Whatever logger is installed, it only ever sees redacted, bounded text.
const redacting: Logger = {
  debug: (message) => sink.debug(bounded(message)),
  info: (message) => sink.info(bounded(message)),
  warn: (message) => sink.warn(bounded(message)),
  error: (message) => sink.error(bounded(message)),
};

/**
 * The library's logger: by default warnings and errors to stderr (`TINYAGENT_LOG_LEVEL` changes the
 * level). Messages have secrets redacted and are cut to `MAX_LOG_MESSAGE_LENGTH` characters before
 * any installed logger sees them.
 */
export function getLogger(): Logger {
  return redacting;
}

/** Replaces the library's logger; pass `undefined` to restore the default. */
export function setLogger(logger: Logger | undefined): void {
  sink = logger ?? createConsoleLogger(levelFromEnvironment());
}
