// Durable runs per second with two worker processes sharing one PostgreSQL, runs submitted from this
// process; and, as the baseline, the same runs run plainly in this process at the same concurrency.
import { connectDurableRuns } from '@tinyagent/dbos';
import type { DurableRunHandle } from '@tinyagent/dbos';
import type { AnswerTally } from '../run-checked.ts';
import { countAnswer, createTally, failureProblem } from '../run-checked.ts';
import type { BenchSettings } from '../settings.ts';
import { createDurableBenchAgent, durableAnswerProblem, durableTask } from './durable-agent.ts';
import { DURABLE_CONCURRENCY, POLLING_MS, startWorker } from './workers.ts';
import type { BenchWorker } from './workers.ts';

/** Tool steps of each run, as in the durable crash soak. */
export const THROUGHPUT_STEPS = 4;
/** Worker processes sharing the queue. */
export const THROUGHPUT_WORKERS = 2;

/** Runs per second, durable and plain, with their answers checked. */
export interface DurableThroughputSamples {
  runs: number;
  durableRunsPerSecond: number;
  plainRunsPerSecond: number;
  durable: AnswerTally;
  plain: AnswerTally;
}

/** Runs the durable runs (after a warm-up of the workers), then the plain baseline. */
export async function measureThroughput(
  databaseUrl: string,
  settings: BenchSettings,
): Promise<DurableThroughputSamples> {
  const workers: BenchWorker[] = [];
  const runs = await connectDurableRuns({ databaseUrl, pollingIntervalMs: POLLING_MS });
  const durable = createTally();
  try {
    // One after the other: DBOS's migrations started at once collide.
    for (let index = 0; index < THROUGHPUT_WORKERS; index += 1) {
      workers.push(await startWorker({ databaseUrl, executorId: `bench-throughput-${String(index)}`, toolDelayMs: 0 }));
    }
    const submitAll = async (first: number, count: number, tally: AnswerTally): Promise<void> => {
      const numbers = Array.from({ length: count }, (_, index) => first + index);
      const handles = await Promise.all(numbers.map((run) => runs.submit('bench', durableTask(run, THROUGHPUT_STEPS))));
      // One after the other: a single result poll at a time, and by the time it moves on most runs are done.
      for (const [index, handle] of handles.entries()) await checkOutcome(handle, numbers[index] ?? -1, tally);
    };
    await submitAll(1_000_000, THROUGHPUT_WORKERS * DURABLE_CONCURRENCY, durable);
    const started = performance.now();
    await submitAll(0, settings.durableThroughputRuns, durable);
    const durableRunsPerSecond = settings.durableThroughputRuns / ((performance.now() - started) / 1000);
    const { runsPerSecond, tally } = await measurePlain(settings.durableThroughputRuns);
    return {
      runs: settings.durableThroughputRuns,
      durableRunsPerSecond,
      plainRunsPerSecond: runsPerSecond,
      durable,
      plain: tally,
    };
  } finally {
    await Promise.allSettled([runs.close(), ...workers.map((worker) => worker.kill())]);
  }
}

async function checkOutcome(handle: DurableRunHandle, run: number, tally: AnswerTally): Promise<void> {
  try {
    countAnswer(tally, durableAnswerProblem(run, THROUGHPUT_STEPS, (await handle.result()).output));
  } catch (error) {
    countAnswer(tally, failureProblem(error));
  }
}

// The same runs in this process, as many at once as the two workers run.
async function measurePlain(count: number): Promise<{ runsPerSecond: number; tally: AnswerTally }> {
  const agent = createDurableBenchAgent();
  const tally = createTally();
  const runOne = async (run: number): Promise<void> => {
    const result = await agent.run(durableTask(run, THROUGHPUT_STEPS), { returnResult: true });
    countAnswer(tally, durableAnswerProblem(run, THROUGHPUT_STEPS, result.output));
  };
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count) await runOne((next += 1) - 1);
  };
  const lanes = THROUGHPUT_WORKERS * DURABLE_CONCURRENCY;
  for (let warm = 0; warm < lanes; warm += 1) await runOne(1_000_000 + warm);
  const started = performance.now();
  await Promise.all(Array.from({ length: lanes }, lane));
  return { runsPerSecond: count / ((performance.now() - started) / 1000), tally };
}
