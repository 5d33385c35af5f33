// Measurement 10, in a process of its own per contestant and repeat (like in-flight memory, so the
// memory is that framework's alone): what a run holds while its consumer stalls and the model
// streams a large reply as fast as it can. The consumer reads the first few text deltas, then
// nothing for `stallMs`; meanwhile the process collects its garbage and reads its memory every
// half second. Then the consumer reads on to the end, and the reply must be whole and right.
import { setTimeout as sleep } from 'node:timers/promises';
import { findContestant } from '../contestants/index.ts';
import type { StreamStall } from '../contestants/contestant.ts';
import { checkTarget } from '../report.ts';
import type { MeasurementReport } from '../report.ts';
import { countAnswer, createTally, failureProblem, wrongAnswerLines } from '../run-checked.ts';
import type { AnswerTally } from '../run-checked.ts';
import type { BenchSettings } from '../settings.ts';
import { median } from '../stats.ts';
import { streamEvents, streamModelName, streamProblem, streamTask, streamText } from '../stream-script.ts';
import type { StreamShape } from '../stream-script.ts';
import type { Table } from '../table.ts';

/** Memory above the resting size at one moment of the stall, with the events then unread if known. */
export interface StallReading {
  atMs: number;
  heapUsedBytes: number;
  arrayBuffersBytes: number;
  rssBytes: number;
  unreadEvents: number | undefined;
}

/** One contestant's stalled run in one process. */
export interface StallSamples {
  id: string;
  shape: StreamShape;
  stallMs: number;
  /** The reply's size as server-sent events, usage included. */
  wireBytes: number;
  /** Text deltas read before the stall, and after it. */
  deltasBefore: number;
  deltasAfter: number;
  /** From the end of the stall to the end of the run. */
  drainMs: number;
  readings: StallReading[];
  tally: AnswerTally;
}

/** Text deltas the consumer reads before it stalls. */
export const DELTAS_BEFORE_STALL = 3;
/** Peak memory above resting that a stalled TinyAgent stream may hold: the target. */
export const STALL_BOUND_BYTES = 2 * 2 ** 20;
const READ_EVERY_MS = 500;
const WARMUP_RUNS = 2;

/** Measures one contestant's memory while its consumer stalls. */
export async function measureStreamStall(
  streamURL: string,
  contestantId: string,
  settings: BenchSettings,
): Promise<StallSamples> {
  const create = await findContestant(contestantId).loadStream?.();
  if (create === undefined) throw new Error(`${contestantId} has no streaming consumer.`);
  const deltaChars = settings.stallDeltaChars;
  const shape: StreamShape = { deltas: Math.ceil(settings.stallReplyChars / deltaChars), deltaChars };
  const run = create({ baseURL: streamURL, model: streamModelName(shape) });
  const tally = createTally();
  const count = (problem: string | undefined): void => countAnswer(tally, problem);
  const streamChecked = async (seed: number, stall?: StreamStall) => {
    try {
      const outcome = await run(streamTask(seed), stall);
      const endedAt = performance.now();
      return { outcome, endedAt, problem: streamProblem(outcome, streamText({ ...shape, seed })) };
    } catch (error) {
      const problem = failureProblem(error);
      return { outcome: undefined, endedAt: performance.now(), problem };
    }
  };
  let seed = 0;
  // In a function of its own, so that no variable of this one still holds a warm-up's reply at rest.
  const warmUp = async (): Promise<void> => {
    for (let index = 0; index < WARMUP_RUNS; index += 1) count((await streamChecked((seed += 1))).problem);
  };
  await warmUp();
  // A moment for the last run's sockets and timers to settle before the resting size is read.
  await sleep(100);
  const resting = collectAndRead();
  const stalled = Promise.withResolvers<undefined>();
  const resume = Promise.withResolvers<undefined>();
  const consumer = { held: false };
  const stall: StreamStall = {
    afterDeltas: DELTAS_BEFORE_STALL,
    hold: () => {
      consumer.held = true;
      stalled.resolve(undefined);
      return resume.promise;
    },
  };
  const running = streamChecked((seed += 1), stall);
  await Promise.race([stalled.promise, running]);
  const readings = await readThroughStall(settings.stallMs, resting, stall);
  const resumedAt = performance.now();
  resume.resolve(undefined);
  const { outcome, problem, endedAt } = await running;
  const drainMs = endedAt - resumedAt;
  count(problem ?? (consumer.held ? undefined : `the consumer never stalled: ${outcome?.deltas ?? 0} deltas in all`));
  const deltas = outcome?.deltas ?? 0;
  return {
    id: contestantId,
    shape,
    stallMs: settings.stallMs,
    wireBytes: [...streamEvents({ ...shape, seed }, streamModelName(shape), true)].join('').length,
    deltasBefore: Math.min(deltas, DELTAS_BEFORE_STALL),
    deltasAfter: Math.max(0, deltas - DELTAS_BEFORE_STALL),
    drainMs,
    readings,
    tally,
  };
}

// Reads the memory above `resting` every READ_EVERY_MS for `stallMs`, from now (the consumer has stalled).
async function readThroughStall(
  stallMs: number,
  resting: NodeJS.MemoryUsage,
  stall: StreamStall,
): Promise<StallReading[]> {
  const stalledAt = performance.now();
  const readings: StallReading[] = [];
  for (let atMs = READ_EVERY_MS; atMs <= stallMs; atMs += READ_EVERY_MS) {
    await sleep(Math.max(0, stalledAt + atMs - performance.now()));
    const now = collectAndRead();
    readings.push({
      atMs,
      heapUsedBytes: now.heapUsed - resting.heapUsed,
      arrayBuffersBytes: now.arrayBuffers - resting.arrayBuffers,
      rssBytes: now.rss - resting.rss,
      unreadEvents: stall.unreadEvents?.(),
    });
  }
  return readings;
}

// Two collections: the first can leave garbage that only a second one frees (weak references).
function collectAndRead(): NodeJS.MemoryUsage {
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage();
}

/** Heap used plus array buffers (the sockets' and streams' byte chunks live outside the heap). */
export function heldBytes(reading: Pick<StallReading, 'heapUsedBytes' | 'arrayBuffersBytes'>): number {
  return reading.heapUsedBytes + reading.arrayBuffersBytes;
}

/** The largest of `pick` over the readings of one stalled run; NaN for none. */
export function peakOf(readings: readonly StallReading[], pick: (reading: StallReading) => number): number {
  return readings.length === 0 ? Number.NaN : Math.max(...readings.map(pick));
}

/** The table and targets of measurement 10; repeats are combined by their median. */
export function reportStreamStall(samples: readonly StallSamples[]): MeasurementReport {
  const ids = [...new Set(samples.map((entry) => entry.id))];
  const of = (id: string, pick: (entry: StallSamples) => number): number =>
    median(samples.filter((entry) => entry.id === id).map(pick));
  const peak =
    (pick: (reading: StallReading) => number) =>
    (entry: StallSamples): number =>
      peakOf(entry.readings, pick);
  const mb = (bytes: number): number => bytes / 2 ** 20;
  const first = samples[0];
  const shape = first?.shape ?? { deltas: 0, deltaChars: 0 };
  const replyMiB = mb(shape.deltas * shape.deltaChars);
  const table: Table = {
    title:
      `10. A stalled consumer: ${formatSize(replyMiB)} MiB streamed in ${shape.deltas} deltas, the consumer ` +
      `stalling ${(first?.stallMs ?? 0) / 1000} s after ${DELTAS_BEFORE_STALL} deltas`,
    columns: [
      'contestant',
      'peak held MB',
      'peak heap MB',
      'peak buffers MB',
      'peak RSS MB',
      'unread events',
      'deltas after stall',
      'drain ms',
      'runs checked',
      'wrong answers',
    ],
    rows: ids.map((id) => [
      findContestant(id).label,
      mb(of(id, peak(heldBytes))),
      mb(
        of(
          id,
          peak((reading) => reading.heapUsedBytes),
        ),
      ),
      mb(
        of(
          id,
          peak((reading) => reading.arrayBuffersBytes),
        ),
      ),
      mb(
        of(
          id,
          peak((reading) => reading.rssBytes),
        ),
      ),
      of(
        id,
        peak((reading) => reading.unreadEvents ?? Number.NaN),
      ),
      of(id, (entry) => entry.deltasAfter),
      of(id, (entry) => entry.drainMs),
      of(id, (entry) => entry.tally.runs),
      of(id, (entry) => entry.tally.wrong),
    ]),
    notes: [
      `The reply: ${shape.deltas} text deltas of ${shape.deltaChars} characters, ` +
        `${formatSize(mb(first?.wireBytes ?? 0))} MiB of server-sent events, written by the server as fast as ` +
        'the socket takes them. Memory above the resting size (after warm-up and a garbage collection), read ' +
        `after a garbage collection every ${READ_EVERY_MS} ms of the stall; the peak of those readings, then the ` +
        'median of the repeats. Held: heap used plus array buffers (the byte chunks of sockets and streams live ' +
        'outside the heap); RSS for reference (it can fall below resting as the allocator returns pages).',
      'Unread events: events TinyAgent emitted that the consumer had not read (counted through `onEvent`), at ' +
        'most; the other streams cannot tell. Deltas after stall: what the consumer read once it resumed; the ' +
        'whole text and the final answer are then checked.',
    ],
  };
  return {
    tables: [table],
    targets: [
      checkTarget(
        `ReactAgent (native) stalled stream: peak held ≤ ${mb(STALL_BOUND_BYTES)} MB above resting (issue 16)`,
        mb(of('tinyagent-native', peak(heldBytes))),
        '≤',
        mb(STALL_BOUND_BYTES),
        ' MB',
      ),
    ],
    invalid: wrongAnswerLines(samples, ' (stalled stream)'),
  };
}

function formatSize(mib: number): string {
  return Number.isInteger(mib) ? String(mib) : mib.toFixed(2);
}
