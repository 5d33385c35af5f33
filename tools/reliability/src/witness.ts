// Records everything a run shows to anyone — stderr, stdout, the console, the logger at debug
// level, events, results and thrown errors with their causes and stacks — so that a test can say
// that a secret appears in none of it.
import { inspect } from 'node:util';
import { createConsoleLogger, setLogger } from '@tinyagent/core';
import type { AgentEvent } from '@tinyagent/core';
import type { CodeEvent } from '@tinyagent/code-agent';
import { vi } from 'vitest';

/** What a witness saw, and where a secret showed up in it. */
export interface Witness {
  /** Pass as `onEvent`. */
  onEvent: (event: AgentEvent | CodeEvent) => void;
  /** Records a result, an error or anything else a caller gets to see. */
  record(value: unknown): void;
  /** Every recorded text containing one of `secrets`, cut around the first hit. */
  leaks(secrets: readonly string[]): string[];
  /** How much text was recorded, to show the witness saw something at all. */
  readonly recordedLength: number;
  /** Stops recording: restores stderr, stdout, the console and the logger. */
  restore(): void;
}

/** Starts recording; call `restore()` when done. */
export function createWitness(): Witness {
  const texts: string[] = [];
  const keep = (chunk: unknown): true => {
    texts.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  const spies = [
    vi.spyOn(process.stderr, 'write').mockImplementation(keep),
    vi.spyOn(process.stdout, 'write').mockImplementation(keep),
    ...(['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => keep(args.map(show).join(' '))),
    ),
  ];
  setLogger(createConsoleLogger('debug'));
  return {
    onEvent: (event) => texts.push(show(event)),
    record: (value) => texts.push(show(value)),
    leaks: (secrets) =>
      texts.flatMap((text) => {
        const at = Math.min(...secrets.map((secret) => text.indexOf(secret)).filter((index) => index !== -1));
        return Number.isFinite(at) ? [text.slice(Math.max(0, at - 200), at + 100)] : [];
      }),
    get recordedLength() {
      return texts.reduce((total, text) => total + text.length, 0);
    },
    restore: () => {
      for (const spy of spies) spy.mockRestore();
      setLogger(undefined);
    },
  };
}

// Everything: nested objects, errors with their stacks, causes and own fields, whole strings.
function show(value: unknown): string {
  return typeof value === 'string'
    ? value
    : inspect(value, { depth: null, maxStringLength: null, maxArrayLength: null, breakLength: Infinity });
}
