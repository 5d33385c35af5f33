// From a worker's death to its runs going on elsewhere: two worker processes take runs from the
// queue, one is SIGKILLed mid-run, and this process hands its unfinished runs to the live one with
// `recoverRuns` at once (the path for a machine that never comes back). A run has resumed when the
// live worker starts its first step live (replayed steps print nothing). The baseline: the time from
// `submit` to a new run's first step, measured on the same runs before the kill.
import { connectDurableRuns } from '@tinyagent/dbos';
import type { AnswerTally } from '../run-checked.ts';
import { createTally } from '../run-checked.ts';
import type { BenchSettings } from '../settings.ts';
import { durableAnswerProblem, durableTask } from './durable-agent.ts';
import { countAnswer } from './tally.ts';
import { POLLING_MS, startWorker } from './workers.ts';
import type { BenchWorker } from './workers.ts';

/** Tool steps of each run of the recovery measurement. */
export const RECOVERY_STEPS = 4;
/** How long each of its tool steps takes: long enough that the kill lands while tools run. */
export const RECOVERY_TOOL_DELAY_MS = 100;

/** The recovery samples, in milliseconds. */
export interface RecoverySamples {
  /** Per recovered run: from the SIGKILL to its first live step on the live worker. */
  resumeMs: number[];
  /** Per run: from `submit` to its first step, on a live worker (the baseline). */
  pickupMs: number[];
  /** Per kill: how long `recoverRuns` took. */
  recoverCallMs: number[];
  kills: number;
  tally: AnswerTally;
}

const now = (): number => performance.timeOrigin + performance.now();

/** Kills `durableKills` workers one after the other, each with `durableKillRuns` runs submitted. */
export async function measureRecovery(databaseUrl: string, settings: BenchSettings): Promise<RecoverySamples> {
  const samples: RecoverySamples = { resumeMs: [], pickupMs: [], recoverCallMs: [], kills: 0, tally: createTally() };
  const runs = await connectDurableRuns({ databaseUrl, pollingIntervalMs: POLLING_MS });
  const workers: BenchWorker[] = [];
  try {
    const options = { databaseUrl, toolDelayMs: RECOVERY_TOOL_DELAY_MS };
    const live = await startWorker({ ...options, executorId: 'bench-live' });
    workers.push(live);
    for (let kill = 0; kill < settings.durableKills; kill += 1) {
      const dying = await startWorker({ ...options, executorId: `bench-dying-${String(kill)}` });
      workers.push(dying);
      const numbers = Array.from({ length: settings.durableKillRuns }, (_, index) => kill * 1000 + index);
      const submittedAt = now();
      const handles = await Promise.all(numbers.map((run) => runs.submit('bench', durableTask(run, RECOVERY_STEPS))));
      const both = [live, dying];
      await until(() => numbers.every((run) => both.some((worker) => worker.steps.some((step) => step.run === run))));
      for (const run of numbers) samples.pickupMs.push(firstStepAt(both, run, 0) - submittedAt);
      // Half a tool step on: the dying worker's runs are mid-step.
      await new Promise((resolve) => setTimeout(resolve, RECOVERY_TOOL_DELAY_MS / 2));
      const killedAt = now();
      await dying.kill();
      const recoverStarted = performance.now();
      const recovered = new Set(await runs.recoverRuns(dying.executorId));
      samples.recoverCallMs.push(performance.now() - recoverStarted);
      samples.kills += 1;
      for (const [index, handle] of handles.entries()) {
        const run = numbers[index] ?? -1;
        try {
          countAnswer(samples.tally, durableAnswerProblem(run, RECOVERY_STEPS, (await handle.result()).output));
        } catch (error) {
          countAnswer(samples.tally, `failed: ${error instanceof Error ? error.message : String(error)}`);
        }
        if (recovered.has(handle.runId)) samples.resumeMs.push(firstStepAt([live], run, killedAt) - killedAt);
      }
    }
    return samples;
  } finally {
    await Promise.allSettled([runs.close(), ...workers.map((worker) => worker.kill())]);
  }
}

function firstStepAt(workers: readonly BenchWorker[], run: number, after: number): number {
  const times = workers.flatMap((worker) =>
    worker.steps.filter((step) => step.run === run && step.at > after).map((step) => step.at),
  );
  return times.length === 0 ? Number.NaN : Math.min(...times);
}

// Polls what the workers printed; fails rather than wait for ever.
async function until(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('The durable runs did not start within a minute.');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
