// The report of the scale part of measurement 5 (code-agent-scale.ts measures it), apart from the
// measurement so that the bench's main process loads no agent to render it.
import { checkTarget } from '../report.ts';
import type { MeasurementReport } from '../report.ts';
import { MODEL_LATENCY_MS } from '../settings.ts';
import { formatNumber } from '../table.ts';
import type { Table } from '../table.ts';

/** Which agent a scale job measures. */
export type ScaleAgent = 'code' | 'react';

/**
 * V8's background thread pool of the process (`node --v8-pool-size`), when the bench set it; Node's
 * default otherwise. Its threads do most of the garbage collectors' concurrent work.
 */
export type V8PoolSize = number | undefined;

/** One agent at one concurrency level. */
export interface ScaleSamples {
  agent: ScaleAgent;
  concurrency: number;
  /** Absent from results saved before it existed: Node's default. */
  v8PoolSize?: V8PoolSize;
  /** One run on its own (median of a few, after the warm-up): the reference of the 100-run target. */
  singleRunMs: number;
  /** From starting all `concurrency` runs at once to the last answer. */
  wallMs: number;
  /** RSS after the warm-up, and the highest sampled while the runs were in flight. */
  idleRssBytes: number;
  peakRssBytes: number;
  /**
   * CPU time of the whole process (every thread: main, sandbox workers, V8's helpers) and of the main
   * thread alone while the N runs were in flight; absent from results saved before they existed.
   */
  cpuMs?: number | undefined;
  mainThreadCpuMs?: number | undefined;
  wrong: number;
}

/** The concurrency levels of the scale part, each measured for both agents. */
export const SCALE_LEVELS = [100, 1000] as const;

/** The scale table and the targets for it. */
export function reportCodeAgentScale(samples: readonly ScaleSamples[]): MeasurementReport {
  const mb = (bytes: number): number => bytes / 2 ** 20;
  const label = (entry: ScaleSamples): string =>
    (entry.agent === 'code' ? 'TinyCodeAgent' : 'ReactAgent (native)') +
    (entry.v8PoolSize === undefined ? '' : `, --v8-pool-size=${entry.v8PoolSize}`);
  const cpu = (ms: number | undefined): number | string => ms ?? '–';
  const table: Table = {
    title: `5b. Code agent at scale: N concurrent two-step runs (one tool call), scripted model in process, ${MODEL_LATENCY_MS} ms per reply`,
    columns: [
      'agent',
      'N',
      'wall ms',
      'one run ms',
      'CPU ms',
      'main thread CPU ms',
      'resting RSS MB',
      'peak RSS MB',
      'wrong answers',
    ],
    rows: samples.map((entry) => [
      label(entry),
      entry.concurrency,
      entry.wallMs,
      entry.singleRunMs,
      cpu(entry.cpuMs),
      cpu(entry.mainThreadCpuMs),
      mb(entry.idleRssBytes),
      mb(entry.peakRssBytes),
      entry.wrong,
    ]),
    notes: [
      'Each row is a process of its own (warm-up of 20 runs, then one run at a time, then N at once); the code agent ' +
        'uses the default sandbox pool, one worker per core. CPU ms counts every thread of the process while the N ' +
        'runs were in flight; it depends less on what else the machine runs than the wall time does. The rows with ' +
        '--v8-pool-size=1 ran under that Node option (fewer threads for the garbage collectors’ concurrent work); ' +
        'the targets are checked on the default rows.',
    ],
  };
  const code = (concurrency: number): ScaleSamples | undefined =>
    samples.find(
      (entry) => entry.agent === 'code' && entry.concurrency === concurrency && entry.v8PoolSize === undefined,
    );
  const thousand = code(1000);
  const hundred = code(100);
  const targets = [];
  if (thousand !== undefined) {
    targets.push(
      checkTarget('Code agent: 1,000 concurrent runs, wall ≤ 5 s (issue 19)', thousand.wallMs / 1000, '≤', 5, ' s'),
    );
    targets.push(
      checkTarget(
        'Code agent: 1,000 concurrent runs, peak RSS ≤ 1 GB (issue 19)',
        mb(thousand.peakRssBytes),
        '≤',
        1024,
        ' MB',
      ),
    );
  }
  if (hundred !== undefined) {
    const bound = 2 * hundred.singleRunMs + MODEL_LATENCY_MS;
    targets.push(
      checkTarget(
        `Code agent: 100 concurrent runs, wall ≤ 2× one run + latency (${formatNumber(bound)} ms) (issue 19)`,
        hundred.wallMs,
        '≤',
        bound,
        ' ms',
      ),
    );
  }
  const wrong = samples.filter((entry) => entry.wrong > 0);
  return {
    tables: [table],
    targets,
    invalid: wrong.map((entry) => `${label(entry)} at N = ${entry.concurrency}: ${entry.wrong} wrong answers`),
  };
}
