// The report of the scale part of measurement 5 (code-agent-scale.ts measures it), apart from the
// measurement so that the bench's main process loads no agent to render it.
import { checkTarget } from '../report.ts';
import type { MeasurementReport } from '../report.ts';
import { MODEL_LATENCY_MS } from '../settings.ts';
import { formatNumber } from '../table.ts';
import type { Table } from '../table.ts';

/** Which agent a scale job measures. */
export type ScaleAgent = 'code' | 'react';

/** One agent at one concurrency level. */
export interface ScaleSamples {
  agent: ScaleAgent;
  concurrency: number;
  /** One run on its own (median of a few, after the warm-up): the reference of the 100-run target. */
  singleRunMs: number;
  /** From starting all `concurrency` runs at once to the last answer. */
  wallMs: number;
  /** RSS after the warm-up, and the highest sampled while the runs were in flight. */
  idleRssBytes: number;
  peakRssBytes: number;
  wrong: number;
}

/** The concurrency levels of the scale part, each measured for both agents. */
export const SCALE_LEVELS = [100, 1000] as const;

/** The scale table and the targets for it. */
export function reportCodeAgentScale(samples: readonly ScaleSamples[]): MeasurementReport {
  const mb = (bytes: number): number => bytes / 2 ** 20;
  const label = (agent: ScaleAgent): string => (agent === 'code' ? 'TinyCodeAgent' : 'ReactAgent (native)');
  const table: Table = {
    title: `5b. Code agent at scale: N concurrent two-step runs (one tool call), scripted model in process, ${MODEL_LATENCY_MS} ms per reply`,
    columns: ['agent', 'N', 'wall ms', 'one run ms', 'resting RSS MB', 'peak RSS MB', 'wrong answers'],
    rows: samples.map((entry) => [
      label(entry.agent),
      entry.concurrency,
      entry.wallMs,
      entry.singleRunMs,
      mb(entry.idleRssBytes),
      mb(entry.peakRssBytes),
      entry.wrong,
    ]),
    notes: [
      'Each row is a process of its own (warm-up of 20 runs, then one run at a time, then N at once); the code agent ' +
        'uses the default sandbox pool, one worker per core.',
    ],
  };
  const code = (concurrency: number): ScaleSamples | undefined =>
    samples.find((entry) => entry.agent === 'code' && entry.concurrency === concurrency);
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
    invalid: wrong.map((entry) => `${label(entry.agent)} at N = ${entry.concurrency}: ${entry.wrong} wrong answers`),
  };
}
