// Measurement 13, durable runs on @tinyagent/dbos and a local PostgreSQL (issue 18): the cost per
// step of a durable run against the same run without DBOS; runs/s with two worker processes against
// the same runs run plainly; and the time from a worker's SIGKILL to its runs resuming on a live one.
// Each bench run has a fresh database (see durable/workers.ts).
import { checkTarget } from '../report.ts';
import type { MeasurementReport } from '../report.ts';
import type { AnswerTally } from '../run-checked.ts';
import type { BenchSettings } from '../settings.ts';
import { median } from '../stats.ts';
import type { Cell, Table } from '../table.ts';
import { measureOverhead } from '../durable/overhead.ts';
import type { OverheadSamples } from '../durable/overhead.ts';
import { RECOVERY_STEPS, RECOVERY_TOOL_DELAY_MS, measureRecovery } from '../durable/recovery.ts';
import type { RecoverySamples } from '../durable/recovery.ts';
import { THROUGHPUT_STEPS, THROUGHPUT_WORKERS, measureThroughput } from '../durable/throughput.ts';
import type { DurableThroughputSamples } from '../durable/throughput.ts';
import { DURABLE_CONCURRENCY, POLLING_MS, freshDurableDatabase } from '../durable/workers.ts';

/** What the measuring process sends back. */
export interface DurableSamples {
  overhead: OverheadSamples;
  throughput: DurableThroughputSamples;
  recovery: RecoverySamples;
}

/** The target of issue 18: a durable run's steps cost at most this much more, p50. */
const OVERHEAD_TARGET_MS = 2;

/** Runs measurement 13 on a fresh database: the overhead pairs, then runs/s, then recovery. */
export async function measureDurable(settings: BenchSettings): Promise<DurableSamples> {
  // pg-pool, inside DBOS, warns of pg 9 on every start; not ours to fix, and this process measures only this.
  process.noDeprecation = true;
  const database = await freshDurableDatabase();
  try {
    const overhead = await measureOverhead(database.url, settings);
    const throughput = await measureThroughput(database.url, settings);
    const recovery = await measureRecovery(database.url, settings);
    return { overhead, throughput, recovery };
  } finally {
    await database.drop();
  }
}

/** Per pair: the durable run's extra milliseconds per agent step. */
function overheadPerStep({ plainMs, durableMs, stepsPerRun }: OverheadSamples): number[] {
  return durableMs.map((value, index) => (value - (plainMs[index] ?? Number.NaN)) / stepsPerRun);
}

/** The tables and targets of measurement 13. */
export function reportDurable({ overhead, throughput, recovery }: DurableSamples): MeasurementReport {
  const perStep = median(overheadPerStep(overhead));
  const plainRun = median(overhead.plainMs);
  const overheadTable: Table = {
    title: `13. Durable runs (@tinyagent/dbos, local PostgreSQL): a run of ${String(overhead.stepsPerRun)} agent steps`,
    columns: ['run', 'ms/run p50', 'ms/step p50', 'ms/step above plain p50', 'runs checked', 'wrong answers'],
    rows: [
      [
        'plain `agent.run` (baseline)',
        plainRun,
        plainRun / overhead.stepsPerRun,
        0,
        overhead.plain.runs,
        overhead.plain.wrong,
      ],
      [
        'durable: the agent’s run inside the workflow',
        median(overhead.durableMs),
        median(overhead.durableMs) / overhead.stepsPerRun,
        perStep,
        overhead.durable.runs,
        overhead.durable.wrong,
      ],
      [
        'durable: `submit` to `result()`',
        median(overhead.submitToResultMs),
        undefined,
        undefined,
        undefined,
        undefined,
      ],
    ],
    notes: [
      'The same ReactAgent (an in-process model, a tool that answers at once; no network) run plainly and as a ' +
        'durable run of a worker in the measuring process, in pairs, the order alternating. Above plain: the median ' +
        "of each pair's (durable − plain) / steps; an agent step is a model call and its tool call, each a DBOS step. " +
        'The events go to the run’s stream in batches once the oldest is 50 ms old, from inside a running step: a ' +
        'run quicker than that writes them when it ends, after the timed part (within `submit` to `result()`).',
      `\`submit\` to \`result()\` adds the workflow's start and end, the queue and the polling (every ${String(POLLING_MS)} ms) ` +
        'once per run.',
    ],
  };
  const throughputRow = (label: string, perSecond: number, tally: AnswerTally): Cell[] => [
    label,
    perSecond,
    1000 / perSecond,
    1000 / perSecond - 1000 / throughput.plainRunsPerSecond,
    tally.runs,
    tally.wrong,
  ];
  const runsPerSecond: Table = {
    title: `14. Durable runs/s: ${String(THROUGHPUT_WORKERS)} worker processes, one PostgreSQL, runs of ${String(THROUGHPUT_STEPS)} tool steps`,
    columns: ['runs', 'runs/s', 'ms/run', 'ms/run above plain', 'runs checked', 'wrong answers'],
    rows: [
      throughputRow('plain `agent.run` in one process (baseline)', throughput.plainRunsPerSecond, throughput.plain),
      throughputRow(
        `durable, ${String(THROUGHPUT_WORKERS)} workers × concurrency ${String(DURABLE_CONCURRENCY)}`,
        throughput.durableRunsPerSecond,
        throughput.durable,
      ),
    ],
    notes: [
      `${String(throughput.runs)} runs submitted at once from the measuring process (after a warm-up round, its answers checked too), from the ` +
        'first `submit` to the last `result()`; ms/run is 1 000 ÷ runs/s. The baseline runs them in the measuring process as many at once as ' +
        'the workers together. PostgreSQL, the workers and the submitter share the machine’s cores.',
    ],
  };
  const pickup = median(recovery.pickupMs);
  const resumeRow = (label: string, values: readonly number[]): Cell[] => [
    label,
    median(values),
    Math.max(...values),
    median(values) - pickup,
    values.length,
  ];
  const recoveryTable: Table = {
    title: '15. From a worker’s SIGKILL to its runs resuming on another',
    columns: ['', 'ms p50', 'ms max', 'above a new run p50', 'runs'],
    rows: [
      [
        'a new run: `submit` to its first step on an idle worker (baseline)',
        pickup,
        Math.max(...recovery.pickupMs),
        0,
        recovery.pickupMs.length,
      ],
      resumeRow(
        '`recoverRuns(deadExecutorId)` to a live worker: SIGKILL to first live step',
        recovery.resumeMs['recover-runs'],
      ),
      resumeRow('a worker restarted under the same executor id: SIGKILL to first live step', recovery.resumeMs.restart),
      [
        'the `recoverRuns` call itself',
        median(recovery.recoverCallMs),
        Math.max(...recovery.recoverCallMs),
        undefined,
        recovery.recoverCallMs.length,
      ],
    ],
    notes: [
      `${String(recovery.kills)} kills, the two paths taking turns. Each time a worker process alone on the queue takes ` +
        `${String(recovery.pickupMs.length / Math.max(1, recovery.kills))} runs of ${String(RECOVERY_STEPS)} tool steps of ` +
        `${String(RECOVERY_TOOL_DELAY_MS)} ms and is SIGKILLed mid-run; then either the measuring process calls ` +
        '`recoverRuns` with its executor id at once (the path for a machine that never comes back; a live worker with ' +
        'free slots was started before the kill), or a worker starts again under its executor id (its process start ' +
        'counts). Resumed: the first step a worker runs live after the kill (replayed steps are not run). Noticing that ' +
        `a worker died is the deployment's part and not counted. Workers look at the queue every ${String(POLLING_MS)} ms. ` +
        `Every run's answer is checked: ${String(recovery.tally.runs)} runs, ${String(recovery.tally.wrong)} wrong.`,
    ],
  };
  return {
    tables: [overheadTable, runsPerSecond, recoveryTable],
    targets: [
      checkTarget(
        `Durable run: p50 ms per agent step (2 DBOS steps) above the plain run ≤ ${String(OVERHEAD_TARGET_MS)} ms (issue 18)`,
        perStep,
        '≤',
        OVERHEAD_TARGET_MS,
        ' ms',
      ),
    ],
    invalid: wrongLines([
      ['durable overhead, plain runs', overhead.plain],
      ['durable overhead, durable runs', overhead.durable],
      ['durable runs/s, plain runs', throughput.plain],
      ['durable runs/s, durable runs', throughput.durable],
      ['durable recovery', recovery.tally],
    ]),
  };
}

function wrongLines(tallies: readonly [string, AnswerTally][]): string[] {
  return tallies
    .filter(([, tally]) => tally.wrong > 0)
    .map(([what, tally]) => `${what}: ${tally.wrong} of ${tally.runs} runs wrong (${tally.firstProblem ?? ''})`);
}
