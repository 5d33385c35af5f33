// The nondeterministic inputs of one execution, its random seed and its clock readings, taken through
// a step seam when the executor has one, so that a replay answers them from its journal and the
// replayed code computes what the original did. See guest-determinism.ts for the guest side.

import { ConfigurationError } from '@tinyagent/core';
import { STOPPED_REPLY } from './worker-protocol.ts';
import type { HostReplyBody, RandomSeed } from './worker-protocol.ts';

/**
 * Runs one of an execution's nondeterministic inputs through a step seam under `name` (unique within
 * the step) and returns its result: the work's, or the recorded one on replay. TinyCodeAgent passes
 * its run's `runStep`.
 */
export type RunStep = <Result>(name: string, work: () => Promise<Result>) => Promise<Result>;

/** The step name of an execution's random seed. */
export const SEED_STEP = 'code/seed';

/** The step name of an execution's `ordinal`-th clock read (1, 2, …). */
export function clockStep(ordinal: number): string {
  return `code/clock/${ordinal}`;
}

// Date's range (ECMAScript: ±8.64e15 ms around the epoch); anything else cannot be a reading.
const MAX_TIME = 8.64e15;

/** The seed of the next execution's Math.random: 128 fresh bits, through the step seam when there is one. */
export async function takeSeed(runStep: RunStep | undefined): Promise<RandomSeed> {
  const draw = (): Promise<RandomSeed> => {
    const [a = 0, b = 0, c = 0, d = 0] = crypto.getRandomValues(new Uint32Array(4));
    return Promise.resolve([a, b, c, d]);
  };
  if (runStep === undefined) return draw();
  const seed: unknown = await runStep(SEED_STEP, draw);
  if (!isSeed(seed)) throw notRecorded(SEED_STEP, seed, 'a seed (four unsigned 32-bit integers)');
  return seed;
}

/**
 * Answers the guest's clock reads through the step seam, each under its own step name, as the worker's
 * replies. A failing step (an abort, a step runner that throws, a reading that is not one) reaches the
 * guest as a stopped execution, and `stop` gets the error, to end the execution with it.
 */
export function createClockReader(
  runStep: RunStep,
  stop: (reason: unknown) => void,
): (ordinal: number) => Promise<HostReplyBody> {
  return async (ordinal) => {
    const name = clockStep(ordinal);
    try {
      const reading: unknown = await runStep(name, () => Promise.resolve(Date.now()));
      if (typeof reading !== 'number' || !(Math.abs(reading) <= MAX_TIME)) {
        throw notRecorded(name, reading, 'a clock reading (milliseconds since the epoch)');
      }
      return { ok: true, kind: 'json', text: JSON.stringify(reading) };
    } catch (error) {
      stop(error);
      return STOPPED_REPLY;
    }
  };
}

function isSeed(value: unknown): value is RandomSeed {
  return (
    Array.isArray(value) &&
    value.length === 4 &&
    value.every((part) => Number.isInteger(part) && (part as number) >= 0 && (part as number) <= 0xffff_ffff)
  );
}

// A step runner must hand back what the work returned, or the recorded copy of it, unchanged.
function notRecorded(name: string, value: unknown, expected: string): ConfigurationError {
  let shown: string;
  try {
    // undefined, for one, has no JSON.
    shown = ((JSON.stringify(value) as string | undefined) ?? String(value)).slice(0, 80);
  } catch {
    shown = typeof value;
  }
  return new ConfigurationError(
    `The step runner answered step '${name}' with ${shown}, which is not ${expected}: a step runner must return ` +
      "its work's result, or the recorded copy of it unchanged; check that the journal belongs to this run.",
  );
}
