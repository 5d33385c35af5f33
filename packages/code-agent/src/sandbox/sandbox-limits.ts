import { ConfigurationError } from '@tinyagent/core';
import { checkOptionKeys } from '@tinyagent/core/internal';

/** Resource limits of one sandbox; every field is optional and falls back to `DEFAULT_LIMITS`. */
export interface SandboxLimits {
  /** Wall-clock time one execution may take, microtasks and tool calls included; default 10 000 ms. */
  timeoutMs?: number | undefined;
  /** The sandbox's whole WebAssembly memory, QuickJS included; default 64 MiB, at least 24 MiB. */
  memoryBytes?: number | undefined;
  /** QuickJS stack; default 256 KiB, between 64 KiB and 1 MiB. */
  stackBytes?: number | undefined;
  /** Console output kept per execution; the rest is cut with a notice. Default 50 000 characters. */
  maxOutputChars?: number | undefined;
  /** Tool calls allowed per execution; default 256. */
  maxToolCalls?: number | undefined;
  /** Length the final answer is cut to; default 2000 characters. */
  maxAnswerChars?: number | undefined;
}

/** Every sandbox limit, with the defaults filled in. */
export type ResolvedLimits = { [Key in keyof SandboxLimits]-?: NonNullable<SandboxLimits[Key]> };

/** The limits a sandbox gets when none are given. */
export const DEFAULT_LIMITS: Readonly<ResolvedLimits> = Object.freeze({
  timeoutMs: 10_000,
  memoryBytes: 64 * 1024 * 1024,
  stackBytes: 256 * 1024,
  maxOutputChars: 50_000,
  maxToolCalls: 256,
  maxAnswerChars: 2000,
});

const KIB = 1024;
const MIB = 1024 * KIB;

// [minimum, maximum] of each limit. QuickJS needs 16 MiB of WebAssembly memory before the model's code
// allocates anything; a stack past 1 MiB outgrows the thread stack the worker is given.
const RANGES: Readonly<Record<keyof SandboxLimits, readonly [number, number]>> = {
  timeoutMs: [1, 10 * 60_000],
  memoryBytes: [24 * MIB, 2048 * MIB],
  stackBytes: [64 * KIB, MIB],
  maxOutputChars: [1, 10_000_000],
  maxToolCalls: [0, 1_000_000],
  maxAnswerChars: [1, 10_000_000],
};

/** Fills in the defaults and checks every limit; throws ConfigurationError naming the bad one. */
export function resolveLimits(limits: SandboxLimits | undefined): ResolvedLimits {
  // Checked at run time too: plain JavaScript callers pass anything.
  const given: unknown = limits;
  if (given !== undefined && (typeof given !== 'object' || given === null)) {
    throw new ConfigurationError('limits must be an object such as { timeoutMs: 5000 }.');
  }
  checkOptionKeys(limits, Object.keys(RANGES), 'Sandbox limits');
  const resolved = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(limits ?? {})) {
    if (value === undefined) continue;
    const name = key as keyof SandboxLimits;
    const [minimum, maximum] = RANGES[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum || value > maximum) {
      throw new ConfigurationError(
        `Sandbox limit ${name} must be an integer from ${minimum} to ${maximum}; got ${String(value)}.`,
      );
    }
    resolved[name] = value;
  }
  return resolved;
}
