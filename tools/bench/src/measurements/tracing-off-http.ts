// Measurement 16c: traceRun() with no SDK over HTTP, the literal form of issue 20's target. Table 1
// pairs the two in one process among five other frameworks, where one collection of another's
// garbage moves a 40 ms batch by tens of percent. Here each variant runs alone in a process of its
// own against the fake model process, many runs long, and the processes take turns in pairs (plain
// then traced, traced then plain, …), so that the machine's drift touches both alike.
import { traceRun } from '@tinyagent/otel';
import { MAX_TURNS } from '../contestants/contestant.ts';
import { createBenchReactAgent } from '../contestants/tinyagent.ts';
import { times } from '../report.ts';
import { createTally, runChecked } from '../run-checked.ts';
import type { AnswerTally } from '../run-checked.ts';
import { TOOL_TURNS, createAddTask, modelForLatency } from '../scenario.ts';
import type { BenchSettings } from '../settings.ts';
import { median } from '../stats.ts';
import type { Table } from '../table.ts';

/** The two variants: the native ReactAgent as is, and with `...traceRun()` on every run. */
export type TracingOffHttpVariant = 'plain' | 'traced';

/** One process's reading. */
export interface TracingOffHttpSample {
  variant: TracingOffHttpVariant;
  /** CPU time (user + system) per model turn over the measured runs, in microseconds. */
  cpuPerTurnUs: number;
  tally: AnswerTally;
}

const WARMUP_RUNS = { full: 300, quick: 50 };
const MEASURED_RUNS = { full: 2000, quick: 200 };
/** Pairs of processes; each pair runs both variants, in alternating order. */
export const HTTP_PAIRS = { full: 6, quick: 1 };

/** Runs `variant` alone in this process against the fake model at `modelURL`. */
export async function measureTracingOffHttp(
  modelURL: string,
  variant: TracingOffHttpVariant,
  settings: BenchSettings,
): Promise<TracingOffHttpSample> {
  const agent = createBenchReactAgent('native', { baseURL: modelURL, model: modelForLatency(0) });
  const run =
    variant === 'traced'
      ? (task: string) => agent.run(task, { maxSteps: MAX_TURNS, ...traceRun() })
      : (task: string) => agent.run(task, { maxSteps: MAX_TURNS });
  const tally = createTally();
  let seed = 0;
  for (let index = 0; index < WARMUP_RUNS[settings.mode]; index += 1) {
    await runChecked(run, createAddTask((seed += 1)), tally);
  }
  const runs = MEASURED_RUNS[settings.mode];
  const before = process.cpuUsage();
  for (let index = 0; index < runs; index += 1) await runChecked(run, createAddTask((seed += 1)), tally);
  const used = process.cpuUsage(before);
  return { variant, cpuPerTurnUs: (used.user + used.system) / (runs * (TOOL_TURNS + 1)), tally };
}

/** Each pair's ratio traced ÷ plain, in the order the pairs ran. */
export function pairRatios(samples: readonly TracingOffHttpSample[]): number[] {
  const ratios: number[] = [];
  for (let index = 0; index + 1 < samples.length; index += 2) {
    const pair = samples.slice(index, index + 2);
    const plain = pair.find((sample) => sample.variant === 'plain');
    const traced = pair.find((sample) => sample.variant === 'traced');
    if (plain !== undefined && traced !== undefined) ratios.push(traced.cpuPerTurnUs / plain.cpuPerTurnUs);
  }
  return ratios;
}

/** The mean of the pairs' ratios: a cost of 1 % shows as 1.01× however the pairs scatter. */
export function meanRatio(samples: readonly TracingOffHttpSample[]): number {
  const ratios = pairRatios(samples);
  return ratios.length === 0 ? Number.NaN : ratios.reduce((sum, value) => sum + value, 0) / ratios.length;
}

// Student's t for a two-sided 95 % interval, by degrees of freedom: six pairs leave five.
const T_95 = [Number.NaN, 12.71, 4.3, 3.18, 2.78, 2.57, 2.45, 2.36, 2.31, 2.26, 2.23];

/** The 95 % interval of the mean of the pairs' ratios, `[low, high]`; NaNs with fewer than two pairs. */
export function meanInterval(samples: readonly TracingOffHttpSample[]): [number, number] {
  const ratios = pairRatios(samples);
  const count = ratios.length;
  if (count < 2) return [Number.NaN, Number.NaN];
  const mean = ratios.reduce((sum, value) => sum + value, 0) / count;
  const variance = ratios.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (count - 1);
  const half = (T_95[count - 1] ?? 2) * Math.sqrt(variance / count);
  return [mean - half, mean + half];
}

/** Table 16c. */
export function tracingOffHttpTable(samples: readonly TracingOffHttpSample[]): Table {
  const of = (variant: TracingOffHttpVariant): TracingOffHttpSample[] =>
    samples.filter((sample) => sample.variant === variant);
  const ratios = pairRatios(samples);
  const row = (variant: TracingOffHttpVariant, label: string): (string | number | undefined)[] => {
    const mine = of(variant);
    return [
      label,
      median(mine.map((sample) => sample.cpuPerTurnUs)),
      mine.map((sample) => sample.cpuPerTurnUs.toFixed(0)).join(', '),
      mine.reduce((sum, sample) => sum + sample.tally.runs, 0),
      mine.reduce((sum, sample) => sum + sample.tally.wrong, 0),
    ];
  };
  return {
    title: '16c. traceRun() with no OpenTelemetry SDK over HTTP: each variant alone in its process (latency 0)',
    columns: ['variant', 'CPU µs/turn (median)', 'each process, in order', 'runs checked', 'wrong answers'],
    rows: [row('plain', 'ReactAgent (native), no listener'), row('traced', 'with traceRun(), no SDK registered')],
    notes: [
      `${String(ratios.length)} pair${ratios.length === 1 ? '' : 's'} of processes (plain then traced, then traced then plain, …), each measuring the ` +
        'CPU of its runs after a warm-up, against the fake model process.',
      `traceRun() ÷ plain, per pair: ${ratios.map(times).join(', ')}; mean ${times(meanRatio(samples))}, ` +
        `95 % interval ${meanInterval(samples).map(times).join(' to ')}. Issue 20's 2 % is judged in 16b, where ` +
        "traceRun()'s own cost is measured directly; this table says whether a run over HTTP pays more than that, " +
        'to the resolution of its interval.',
    ],
  };
}
