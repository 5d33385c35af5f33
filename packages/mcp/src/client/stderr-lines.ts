import type { Readable } from 'node:stream';
import { redactSecrets } from '@tinyagent/core';
import { getLogger } from '@tinyagent/core/internal';

/** The longest stderr line, in characters, that is logged; a longer line is cut. */
export const MAX_STDERR_LINE = 1_000;

// A line is kept this much past the cut until it is redacted: a key that straddles the cut is then
// removed whole, never left with its first part in the log. Longer than any API key.
const REDACT_MARGIN = 256;

// The last lines a server wrote are kept to explain a crash in its error.
const KEPT_LINES = 3;

/**
 * Logs a stdio server's stderr through core's logger (which redacts secrets), one `info` message
 * per line, each cut to MAX_STDERR_LINE characters, and keeps the last few lines for error messages.
 * A server that writes without newlines never makes it buffer more than one line.
 */
export class StderrLog {
  readonly #serverName: string;
  #partial = '';
  #dropping = false;
  readonly #last: string[] = [];

  constructor(serverName: string) {
    this.#serverName = serverName;
  }

  /** Reads `stream` until it ends. */
  follow(stream: Readable): void {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      this.write(chunk);
    });
    stream.on('end', () => {
      this.#flush();
    });
    // A broken pipe to a dead child is the crash itself, reported by the transport.
    stream.on('error', () => undefined);
  }

  /** Takes the next piece of the stream. */
  write(chunk: string): void {
    let start = 0;
    for (let end = chunk.indexOf('\n'); end !== -1; end = chunk.indexOf('\n', start)) {
      this.#append(chunk.slice(start, end));
      this.#flush();
      start = end + 1;
    }
    this.#append(chunk.slice(start));
  }

  /** The last lines the server wrote (already cut), oldest first. */
  lastLines(): readonly string[] {
    return this.#last;
  }

  #append(piece: string): void {
    if (this.#dropping) return;
    const room = MAX_STDERR_LINE + REDACT_MARGIN - this.#partial.length;
    if (piece.length <= room) {
      this.#partial += piece;
      return;
    }
    this.#partial += piece.slice(0, room);
    this.#dropping = true;
  }

  #flush(): void {
    const whole = redactSecrets(this.#partial.endsWith('\r') ? this.#partial.slice(0, -1) : this.#partial);
    const cut = this.#dropping || whole.length > MAX_STDERR_LINE;
    const line = cut ? `${whole.slice(0, MAX_STDERR_LINE)} [line cut]` : whole;
    this.#partial = '';
    this.#dropping = false;
    if (line.trim() === '') return;
    this.#last.push(line);
    if (this.#last.length > KEPT_LINES) this.#last.shift();
    getLogger().info(`mcp server '${this.#serverName}' stderr: ${line}`);
  }
}
