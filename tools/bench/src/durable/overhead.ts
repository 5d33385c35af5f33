// The cost per step of a durable run: the same ReactAgent run plainly and as a durable run of a
// worker in this process, in pairs taken close together, the order alternating between pairs.
import { startDurableWorker } from '@tinyagent/dbos';
import type { DurableAgent } from '@tinyagent/dbos';
import type { AnswerTally } from '../run-checked.ts';
import { countAnswer, createTally } from '../run-checked.ts';
import type { BenchSettings } from '../settings.ts';
import { createDurableBenchAgent, durableAnswerProblem, durableTask } from './durable-agent.ts';
import { DURABLE_APPLICATION_VERSION, POLLING_MS } from './workers.ts';

/** The overhead pairs' samples, one per pair, in milliseconds. */
export interface OverheadSamples {
  /** Agent steps per run (tool steps, and the answer's). */
  stepsPerRun: number;
  plainMs: number[];
  /** The agent's run inside the workflow: every step a DBOS step, events to the stream. */
  durableMs: number[];
  /** From `submit` to `result()` in hand: the workflow's start and end, the queue and the polling too. */
  submitToResultMs: number[];
  plain: AnswerTally;
  durable: AnswerTally;
}

/** Runs the pairs; the worker is this process's, closed at the end. */
export async function measureOverhead(databaseUrl: string, settings: BenchSettings): Promise<OverheadSamples> {
  const agent = createDurableBenchAgent();
  const insideMs = new Map<string, number>();
  // The worker's agent is the plain one, timed: its run inside the workflow against the plain run.
  const timed: DurableAgent = {
    run: async (task, options) => {
      const started = performance.now();
      const result = await agent.run(task, options);
      insideMs.set(task, performance.now() - started);
      return result;
    },
    resume: (snapshot, options) => agent.resume(snapshot, options),
  };
  const worker = await startDurableWorker({
    databaseUrl,
    agents: { bench: timed },
    executorId: 'bench-overhead',
    applicationVersion: DURABLE_APPLICATION_VERSION,
    concurrency: 1,
    pollingIntervalMs: POLLING_MS,
  });
  const samples: OverheadSamples = {
    stepsPerRun: settings.durableSteps + 1,
    plainMs: [],
    durableMs: [],
    submitToResultMs: [],
    plain: createTally(),
    durable: createTally(),
  };
  // The tool steps and the answer's: more than the agent's default limit in the full run.
  const maxSteps = samples.stepsPerRun;
  try {
    const runPlain = async (run: number): Promise<number> => {
      const started = performance.now();
      const result = await agent.run(durableTask(run, settings.durableSteps), { returnResult: true, maxSteps });
      const durationMs = performance.now() - started;
      countAnswer(samples.plain, durableAnswerProblem(run, settings.durableSteps, result.output));
      return durationMs;
    };
    const runDurable = async (run: number): Promise<[number, number]> => {
      const task = durableTask(run, settings.durableSteps);
      const started = performance.now();
      const outcome = await (await worker.submit('bench', task, { maxSteps })).result();
      const endToEndMs = performance.now() - started;
      countAnswer(samples.durable, durableAnswerProblem(run, settings.durableSteps, outcome.output));
      return [insideMs.get(task) ?? Number.NaN, endToEndMs];
    };
    for (let pair = 0; pair < settings.durableWarmupPairs + settings.durablePairs; pair += 1) {
      const plainFirst = pair % 2 === 0;
      const plainBefore = plainFirst ? await runPlain(pair) : undefined;
      const [durableMs, endToEndMs] = await runDurable(pair);
      const plainMs = plainBefore ?? (await runPlain(pair));
      if (pair < settings.durableWarmupPairs) continue;
      samples.plainMs.push(plainMs);
      samples.durableMs.push(durableMs);
      samples.submitToResultMs.push(endToEndMs);
    }
    return samples;
  } finally {
    await worker.close();
  }
}
