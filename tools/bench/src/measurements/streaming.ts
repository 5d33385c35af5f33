// Measurement 9, in one process holding every streaming contestant: what reading a streamed reply
// costs in CPU per text delta, and how soon the first delta reaches the consumer. Every run streams
// the same reply shape (N small text deltas as chat-completions server-sent events, usage included)
// from the streaming fake model; contestants take turns in a shuffled order each round after a
// shared warm-up, like measurement 1, and every run's text is checked.
import { STREAMING_CONTESTANTS, findContestant } from '../contestants/index.ts';
import type { StreamTask } from '../contestants/index.ts';
import { roundOrder } from '../order.ts';
import { checkTarget, times } from '../report.ts';
import type { MeasurementReport } from '../report.ts';
import { countAnswer, createTally, failureProblem, wrongAnswerLines } from '../run-checked.ts';
import type { AnswerTally } from '../run-checked.ts';
import type { BenchSettings } from '../settings.ts';
import { median, pairedRatio, ratio } from '../stats.ts';
import { streamModelName, streamProblem, streamTask, streamText } from '../stream-script.ts';
import type { StreamShape } from '../stream-script.ts';
import type { Table } from '../table.ts';

/** One contestant's samples from this process. */
export interface StreamingSamples {
  id: string;
  /** CPU time (user + system) per text delta sent, one sample per batch of runs, in microseconds. */
  cpuPerDeltaUs: number[];
  /** Wall time from the call to the first text delta, one per measured run, in milliseconds. */
  firstDeltaMs: number[];
  /** Fewest and most text deltas a run received (the server sent `shape.deltas`). */
  deltasReceived: { min: number; max: number };
  tally: AnswerTally;
}

/** The samples of measurement 9. */
export interface StreamingResult {
  shape: StreamShape;
  contestants: StreamingSamples[];
}

interface Entry {
  run: StreamTask;
  samples: StreamingSamples;
}

/** Runs the streaming contestants against the streaming fake model at `streamURL`. */
export async function measureStreaming(streamURL: string, settings: BenchSettings): Promise<StreamingResult> {
  const shape: StreamShape = { deltas: settings.streamDeltas, deltaChars: settings.streamDeltaChars };
  const entries: Entry[] = [];
  for (const contestant of STREAMING_CONTESTANTS) {
    const create = await contestant.loadStream?.();
    if (create === undefined) continue;
    entries.push({
      run: create({ baseURL: streamURL, model: streamModelName(shape) }),
      samples: {
        id: contestant.id,
        cpuPerDeltaUs: [],
        firstDeltaMs: [],
        deltasReceived: { min: Number.POSITIVE_INFINITY, max: 0 },
        tally: createTally(),
      },
    });
  }
  let seed = 0;
  for (const entry of entries) {
    for (let index = 0; index < settings.streamWarmupRuns; index += 1) {
      await runStreamChecked(entry, shape, (seed += 1));
    }
  }
  for (let round = 0; round < settings.streamRounds; round += 1) {
    for (const entry of roundOrder(entries, round)) {
      const before = process.cpuUsage();
      for (let index = 0; index < settings.streamBatch; index += 1) {
        entry.samples.firstDeltaMs.push(await runStreamChecked(entry, shape, (seed += 1)));
      }
      const used = process.cpuUsage(before);
      entry.samples.cpuPerDeltaUs.push((used.user + used.system) / (settings.streamBatch * shape.deltas));
    }
  }
  return { shape, contestants: entries.map((entry) => entry.samples) };
}

// Streams run `seed` and checks it; resolves with the time to its first delta in milliseconds.
// A wrong text or a failure is counted in the tally, never thrown: the row is invalid, the bench goes on.
async function runStreamChecked({ run, samples }: Entry, shape: StreamShape, seed: number): Promise<number> {
  const { tally, deltasReceived } = samples;
  const expected = streamText({ ...shape, seed });
  const started = performance.now();
  let problem: string | undefined;
  let firstDeltaMs = Number.NaN;
  try {
    const outcome = await run(streamTask(seed));
    firstDeltaMs = outcome.firstDeltaAt - started;
    deltasReceived.min = Math.min(deltasReceived.min, outcome.deltas);
    deltasReceived.max = Math.max(deltasReceived.max, outcome.deltas);
    problem = streamProblem(outcome, expected);
  } catch (error) {
    problem = failureProblem(error);
  }
  countAnswer(tally, problem);
  return firstDeltaMs;
}

/** The table and targets of measurement 9. */
export function reportStreaming(result: StreamingResult): MeasurementReport {
  const { shape, contestants } = result;
  const byId = new Map(contestants.map((entry) => [entry.id, entry]));
  const cpuVersusSdk = (id: string): number =>
    pairedRatio(byId.get(id)?.cpuPerDeltaUs ?? [], byId.get('openai-sdk')?.cpuPerDeltaUs ?? []);
  const firstDelta = (id: string): number => median(byId.get(id)?.firstDeltaMs ?? []);
  const table: Table = {
    title: `9. Streaming: one reply of ${shape.deltas} text deltas of ${shape.deltaChars} characters (latency 0)`,
    columns: [
      'contestant',
      'CPU µs/delta',
      '× openai SDK',
      'first delta ms',
      '× openai SDK',
      '− openai SDK ms',
      'deltas/run',
      'runs checked',
      'wrong answers',
    ],
    rows: contestants.map((entry) => {
      const { min, max } = entry.deltasReceived;
      return [
        findContestant(entry.id).label,
        median(entry.cpuPerDeltaUs),
        times(cpuVersusSdk(entry.id)),
        firstDelta(entry.id),
        times(ratio(firstDelta(entry.id), firstDelta('openai-sdk'))),
        firstDelta(entry.id) - firstDelta('openai-sdk'),
        min === max ? min : `${min}–${max}`,
        entry.tally.runs,
        entry.tally.wrong,
      ];
    }),
    notes: [
      'TinyAgent: `agent.stream(task, { deltas: true })` on ReactAgent (native), counting `text-delta` events (each ' +
        'piece also comes as an `answer-delta`); openai SDK: `chat.completions.create({ stream: true })` iterated by ' +
        'hand; Vercel AI SDK: `streamText(…).textStream`; OpenAI Agents SDK: `run(agent, task, { stream: true })` ' +
        'and `toTextStream()`. Every request offers the scenario tools and asks for usage in the stream.',
      "CPU µs/delta: the process's CPU time per text delta the server sent, the run's fixed costs included; its " +
        'ratios are the median of per-round ratios. First delta: wall time from the call to the first text delta in ' +
        "the consumer's hands, median of the measured runs; the server writes the first piece at once, on its own.",
      "Runs checked and wrong answers count every run of this process, warm-up included: each run's text, joined " +
        "from its deltas, and its final answer must be the reply's text.",
    ],
  };
  return {
    tables: [table],
    targets: [
      checkTarget(
        'ReactAgent (native) streaming CPU per delta ≤ 1.2× openai SDK stream (issue 16)',
        cpuVersusSdk('tinyagent-native'),
        '≤',
        1.2,
        '×',
      ),
      checkTarget(
        "ReactAgent (native) time to first delta − openai SDK stream's ≤ 1 ms (issue 16)",
        firstDelta('tinyagent-native') - firstDelta('openai-sdk'),
        '≤',
        1,
        ' ms',
      ),
    ],
    invalid: wrongAnswerLines(contestants, ' (streaming)'),
  };
}
