// From a worker's death to its runs going on: a worker process takes runs from the queue and is
// SIGKILLed mid-run; its runs then go on in one of the two ways @tinyagent/dbos offers, the kills
// taking turns: `recoverRuns` from this process hands them to a live worker that has free slots (the
// path for a machine that never comes back), or a worker started again under the dead one's executor
// id recovers them by itself (a restart: the process start counts). A run has resumed when a worker
// starts its first step live (replayed steps print nothing). The baseline: the time from `submit` to
// a run's first step on an idle worker, measured on the same runs before the kill.
import { connectDurableRuns } from '@tinyagent/dbos';
import type { DurableRunHandle, DurableRuns } from '@tinyagent/dbos';
import type { AnswerTally } from '../run-checked.ts';
import { countAnswer, createTally, failureProblem } from '../run-checked.ts';
import type { BenchSettings } from '../settings.ts';
import { durableAnswerProblem, durableTask } from './durable-agent.ts';
import { POLLING_MS, startWorker } from './workers.ts';
import type { BenchWorker } from './workers.ts';

/** Tool steps of each run of the recovery measurement. */
export const RECOVERY_STEPS = 4;
/** How long each of its tool steps takes: long enough for a live worker to start while the runs go on. */
export const RECOVERY_TOOL_DELAY_MS = 500;

/** How a dead worker's runs go on. */
export type RecoveryPath = 'recover-runs' | 'restart';

/** The recovery samples, in milliseconds. */
export interface RecoverySamples {
  /** Per run of a killed worker: from the SIGKILL to its first live step elsewhere, by path. */
  resumeMs: Record<RecoveryPath, number[]>;
  /** Per run: from `submit` to its first step on an idle worker (the baseline). */
  pickupMs: number[];
  /** Per `recoverRuns` kill: how long the call took. */
  recoverCallMs: number[];
  kills: number;
  tally: AnswerTally;
}

const now = (): number => performance.timeOrigin + performance.now();

/** Kills `durableKills` workers one after the other, each holding `durableKillRuns` runs. */
export async function measureRecovery(databaseUrl: string, settings: BenchSettings): Promise<RecoverySamples> {
  const samples: RecoverySamples = {
    resumeMs: { 'recover-runs': [], restart: [] },
    pickupMs: [],
    recoverCallMs: [],
    kills: 0,
    tally: createTally(),
  };
  const runs = await connectDurableRuns({ databaseUrl, pollingIntervalMs: POLLING_MS });
  try {
    for (let kill = 0; kill < settings.durableKills; kill += 1) {
      const path: RecoveryPath = kill % 2 === 0 ? 'recover-runs' : 'restart';
      await killOnce(runs, { databaseUrl, kill, path, count: settings.durableKillRuns }, samples);
    }
    return samples;
  } finally {
    await runs.close();
  }
}

interface Kill {
  databaseUrl: string;
  kill: number;
  path: RecoveryPath;
  count: number;
}

async function killOnce(runs: DurableRuns, { databaseUrl, kill, path, count }: Kill, samples: RecoverySamples) {
  const options = { databaseUrl, toolDelayMs: RECOVERY_TOOL_DELAY_MS };
  const dyingId = `bench-dying-${String(kill)}`;
  const workers: BenchWorker[] = [];
  try {
    // Alone on the queue, so that it takes every run (no more than its concurrency).
    const dying = await startWorker({ ...options, executorId: dyingId });
    workers.push(dying);
    const numbers = Array.from({ length: count }, (_, index) => kill * 1000 + index);
    const submittedAt = now();
    const handles = await Promise.all(numbers.map((run) => runs.submit('bench', durableTask(run, RECOVERY_STEPS))));
    await until(() => numbers.every((run) => dying.steps.some((step) => step.run === run)));
    for (const run of numbers) samples.pickupMs.push(firstStepAt(dying, run, 0) - submittedAt);
    // The worker that takes over is up before the kill, idle, as a machine of a live cluster would be.
    const taker =
      path === 'recover-runs' ? await startWorker({ ...options, executorId: `bench-live-${String(kill)}` }) : undefined;
    if (taker !== undefined) workers.push(taker);
    const killedAt = now();
    await dying.kill();
    samples.kills += 1;
    let resumer: BenchWorker;
    if (taker === undefined) {
      resumer = await startWorker({ ...options, executorId: dyingId });
      workers.push(resumer);
    } else {
      resumer = taker;
      const started = performance.now();
      await runs.recoverRuns(dyingId);
      samples.recoverCallMs.push(performance.now() - started);
    }
    await checkAnswers(handles, numbers, samples.tally);
    for (const run of numbers) {
      // A run that ended before the kill has no live step after it, and nothing to resume.
      const resumedAt = firstStepAt(resumer, run, killedAt);
      if (Number.isFinite(resumedAt)) samples.resumeMs[path].push(resumedAt - killedAt);
    }
  } finally {
    await Promise.allSettled(workers.map((worker) => worker.kill()));
  }
}

async function checkAnswers(handles: readonly DurableRunHandle[], numbers: readonly number[], tally: AnswerTally) {
  for (const [index, handle] of handles.entries()) {
    const run = numbers[index] ?? -1;
    try {
      countAnswer(tally, durableAnswerProblem(run, RECOVERY_STEPS, (await handle.result()).output));
    } catch (error) {
      countAnswer(tally, failureProblem(error));
    }
  }
}

function firstStepAt(worker: BenchWorker, run: number, after: number): number {
  const times = worker.steps.filter((step) => step.run === run && step.at > after).map((step) => step.at);
  return times.length === 0 ? Number.NaN : Math.min(...times);
}

// Polls what the worker printed; fails rather than wait for ever.
async function until(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('The durable runs did not start within a minute.');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
