// Measurement 7, in a process of its own: what a snapshot after every step costs in CPU per model
// turn. One ReactAgent (native) runs the sequential task after an earlier conversation, without
// snapshots, with `onSnapshot` only receiving each snapshot, and with `onSnapshot` turning each into
// JSON text as a user saving it would. Variants take turns (A B C A B C …) after a shared warm-up.
import type { RunSnapshot } from '@tinyagent/core';
import { MAX_TURNS } from '../contestants/contestant.ts';
import type { RunTask } from '../contestants/contestant.ts';
import { createBenchReactAgent } from '../contestants/tinyagent.ts';
import { checkTarget, times } from '../report.ts';
import type { MeasurementReport } from '../report.ts';
import { createTally, runChecked } from '../run-checked.ts';
import type { AnswerTally } from '../run-checked.ts';
import { TOOL_TURNS, createAddTask, createHistory, modelForLatency } from '../scenario.ts';
import type { BenchSettings } from '../settings.ts';
import { median, pairedRatio } from '../stats.ts';
import type { Table } from '../table.ts';
import { roundOrder } from '../order.ts';

/** Messages of earlier conversation each run starts with: with the system prompt and the task, 20. */
export const SNAPSHOT_HISTORY_MESSAGES = 18;

/** Warm-up runs of each variant before anything is measured. */
const WARMUP_RUNS = { full: 200, quick: 60 };

const VARIANTS = [
  { id: 'none', label: 'without snapshots' },
  { id: 'build', label: 'onSnapshot every step (snapshot built)' },
  { id: 'json', label: 'onSnapshot every step + JSON.stringify' },
] as const;

/** One variant's samples. */
export interface SnapshotVariantSamples {
  id: (typeof VARIANTS)[number]['id'];
  /** CPU time (user + system) per model turn, one sample per batch of runs, in microseconds. */
  cpuPerTurnUs: number[];
  tally: AnswerTally;
}

/** The samples of measurement 7, and the size of what was saved. */
export interface SnapshotSamples {
  variants: SnapshotVariantSamples[];
  /** Transcript messages in the first and the last snapshot of a run. */
  transcriptMessages: { first: number; last: number };
  /** JSON text of the last snapshot of a run, in UTF-16 code units (about bytes for this ASCII text). */
  lastSnapshotChars: number;
}

/** Runs the three variants against the fake model at `modelURL`. */
export async function measureSnapshots(modelURL: string, settings: BenchSettings): Promise<SnapshotSamples> {
  const agent = createBenchReactAgent('native', { baseURL: modelURL, model: modelForLatency(0) });
  const history = createHistory(SNAPSHOT_HISTORY_MESSAGES);
  const transcriptMessages = { first: Number.POSITIVE_INFINITY, last: 0 };
  let lastSnapshotChars = 0;
  const received = (snapshot: RunSnapshot): void => {
    transcriptMessages.first = Math.min(transcriptMessages.first, snapshot.transcript.length);
    transcriptMessages.last = Math.max(transcriptMessages.last, snapshot.transcript.length);
  };
  const runs: Record<SnapshotVariantSamples['id'], RunTask> = {
    none: (task) => agent.run(task, { maxSteps: MAX_TURNS, history }),
    build: (task) => agent.run(task, { maxSteps: MAX_TURNS, history, onSnapshot: received }),
    json: (task) =>
      agent.run(task, {
        maxSteps: MAX_TURNS,
        history,
        onSnapshot: (snapshot) => {
          lastSnapshotChars = JSON.stringify(snapshot).length;
        },
      }),
  };
  const entries = VARIANTS.map(({ id }) => {
    const samples: SnapshotVariantSamples = { id, cpuPerTurnUs: [], tally: createTally() };
    return { run: runs[id], samples };
  });
  let seed = 0;
  for (const entry of entries) {
    for (let index = 0; index < WARMUP_RUNS[settings.mode]; index += 1) {
      await runChecked(entry.run, createAddTask((seed += 1)), entry.samples.tally);
    }
  }
  for (let round = 0; round < settings.snapshotRounds; round += 1) {
    for (const entry of roundOrder(entries, round)) {
      const before = process.cpuUsage();
      for (let index = 0; index < settings.snapshotBatch; index += 1) {
        await runChecked(entry.run, createAddTask((seed += 1)), entry.samples.tally);
      }
      const used = process.cpuUsage(before);
      entry.samples.cpuPerTurnUs.push((used.user + used.system) / (settings.snapshotBatch * (TOOL_TURNS + 1)));
    }
  }
  return { variants: entries.map((entry) => entry.samples), transcriptMessages, lastSnapshotChars };
}

/** The table and targets of measurement 7. */
export function reportSnapshots(samples: SnapshotSamples): MeasurementReport {
  const byId = new Map<string, SnapshotVariantSamples>(samples.variants.map((entry) => [entry.id, entry]));
  const versusNone = (id: string): number =>
    pairedRatio(byId.get(id)?.cpuPerTurnUs ?? [], byId.get('none')?.cpuPerTurnUs ?? []);
  const { first, last } = samples.transcriptMessages;
  const table: Table = {
    title: `7. CPU per model turn with a snapshot after every step (ReactAgent native, ${first}–${last} messages, latency 0)`,
    columns: ['variant', 'CPU µs/turn', '× without snapshots', 'runs checked', 'wrong answers'],
    rows: VARIANTS.map(({ id, label }) => {
      const entry = byId.get(id);
      return [label, median(entry?.cpuPerTurnUs ?? []), times(versusNone(id)), entry?.tally.runs, entry?.tally.wrong];
    }),
    notes: [
      `Each run starts with ${SNAPSHOT_HISTORY_MESSAGES} messages of earlier conversation, then the task of K = ` +
        `${TOOL_TURNS} tool turns: a snapshot holds ${first} transcript messages after the first step and ${last} ` +
        `after the last; the last one is ${(samples.lastSnapshotChars / 1024).toFixed(1)} KB of JSON.`,
      'Ratios are the median of per-round ratios: each round measures every variant once, close together in time.',
    ],
  };
  const invalid = samples.variants
    .filter((entry) => entry.tally.wrong > 0)
    .map(
      (entry) =>
        `Snapshots (${entry.id}): ${entry.tally.wrong} of ${entry.tally.runs} runs wrong (${entry.tally.firstProblem ?? ''})`,
    );
  return {
    tables: [table],
    targets: [
      checkTarget(
        'ReactAgent (native) CPU per turn, snapshot every step ≤ 1.1× none',
        versusNone('build'),
        '≤',
        1.1,
        '×',
      ),
      checkTarget(
        'ReactAgent (native) CPU per turn, snapshot + JSON every step ≤ 1.1× none',
        versusNone('json'),
        '≤',
        1.1,
        '×',
      ),
    ],
    invalid,
  };
}
