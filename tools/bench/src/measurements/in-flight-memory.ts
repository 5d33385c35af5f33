// Measurement 8, in a process of its own per contestant and repeat (like throughput, so the memory
// is that framework's alone): what one run holds while it waits on the model. N runs start together
// against a model that takes `inFlightLatencyMs` per reply; while all of them are in flight, the
// process collects its garbage and reads its heap and RSS, at the middle of the 2nd, 3rd and 4th of
// the K + 1 replies. What it holds above its resting size, divided by the runs in flight, is the
// memory per in-flight run. Every run is then awaited and its answer checked.
import { setTimeout as sleep } from 'node:timers/promises';
import { findContestant } from '../contestants/index.ts';
import { checkTarget, times } from '../report.ts';
import type { MeasurementReport } from '../report.ts';
import { createTally, runChecked, wrongAnswerLines } from '../run-checked.ts';
import type { AnswerTally } from '../run-checked.ts';
import { createAddTask, modelForLatency } from '../scenario.ts';
import type { BenchSettings } from '../settings.ts';
import { median, ratio } from '../stats.ts';
import type { Table } from '../table.ts';

/** Memory held above the resting size at one moment, with the runs in flight then. */
export interface InFlightReading {
  inFlight: number;
  heapUsedBytes: number;
  rssBytes: number;
}

/** One contestant's in-flight memory in one process. */
export interface InFlightSamples {
  id: string;
  runs: number;
  latencyMs: number;
  /** Heap used and RSS after warm-up and a garbage collection, before any run starts. */
  restingHeapBytes: number;
  restingRssBytes: number;
  readings: InFlightReading[];
  tally: AnswerTally;
}

// When the readings are taken, in model replies since the start: while every run waits on a reply.
const READ_AT_REPLIES = [1.5, 2.5, 3.5];
const WARMUP_CONCURRENCY = 10;
// Runs start in batches: 2,000 connections opened in one go overflow the server's accept queue (511
// by default), and the resets then fail runs of every contestant. 2,000 runs start within 0.2 s.
const START_BATCH = 100;
const START_GAP_MS = 10;

/** Measures one contestant's memory per in-flight run. */
export async function measureInFlightMemory(
  modelURL: string,
  contestantId: string,
  settings: BenchSettings,
): Promise<InFlightSamples> {
  const create = await findContestant(contestantId).load();
  const tally = createTally();
  const warm = create({ baseURL: modelURL, model: modelForLatency(0) });
  let seed = 0;
  for (let done = 0; done < settings.warmupRuns; done += WARMUP_CONCURRENCY) {
    const batch = Array.from({ length: WARMUP_CONCURRENCY }, () => runChecked(warm, createAddTask((seed += 1)), tally));
    await Promise.all(batch);
  }
  const latencyMs = settings.inFlightLatencyMs;
  const run = create({ baseURL: modelURL, model: modelForLatency(latencyMs) });
  const resting = collectAndRead();
  let inFlight = 0;
  const started = performance.now();
  const runs: Promise<number>[] = [];
  while (runs.length < settings.inFlightRuns) {
    if (runs.length > 0) await sleep(START_GAP_MS);
    for (let index = 0; index < START_BATCH && runs.length < settings.inFlightRuns; index += 1) {
      inFlight += 1;
      const running = runChecked(run, createAddTask((seed += 1)), tally).finally(() => {
        inFlight -= 1;
      });
      runs.push(running);
    }
  }
  const readings: InFlightReading[] = [];
  for (const replies of READ_AT_REPLIES) {
    await sleep(Math.max(0, started + replies * latencyMs - performance.now()));
    const now = collectAndRead();
    readings.push({
      inFlight,
      heapUsedBytes: now.heapUsedBytes - resting.heapUsedBytes,
      rssBytes: now.rssBytes - resting.rssBytes,
    });
  }
  await Promise.all(runs);
  return {
    id: contestantId,
    runs: settings.inFlightRuns,
    latencyMs,
    restingHeapBytes: resting.heapUsedBytes,
    restingRssBytes: resting.rssBytes,
    readings,
    tally,
  };
}

// Two collections: the first can leave garbage that only a second one frees (weak references).
function collectAndRead(): { heapUsedBytes: number; rssBytes: number } {
  globalThis.gc?.();
  globalThis.gc?.();
  const { heapUsed, rss } = process.memoryUsage();
  return { heapUsedBytes: heapUsed, rssBytes: rss };
}

// Bytes per in-flight run of one process: the median of its readings.
function perRun(samples: InFlightSamples, pick: (reading: InFlightReading) => number): number {
  return median(samples.readings.filter((reading) => reading.inFlight > 0).map((item) => pick(item) / item.inFlight));
}

/** The table and targets of measurement 8; repeats are combined by their median. */
export function reportInFlightMemory(samples: readonly InFlightSamples[]): MeasurementReport {
  const ids = [...new Set(samples.map((entry) => entry.id))];
  const of = (id: string, pick: (entry: InFlightSamples) => number): number =>
    median(samples.filter((entry) => entry.id === id).map(pick));
  const heap = (entry: InFlightSamples): number => perRun(entry, (reading) => reading.heapUsedBytes);
  const rss = (entry: InFlightSamples): number => perRun(entry, (reading) => reading.rssBytes);
  const versus = (id: string, pick: (entry: InFlightSamples) => number): number =>
    ratio(of(id, pick), of('openai-sdk', pick));
  const kb = (bytes: number): number => bytes / 1024;
  const first = samples[0];
  const runs = first?.runs ?? 0;
  const latencyMs = first?.latencyMs ?? 0;
  const table: Table = {
    title: `8. Memory per in-flight run, N = ${runs} runs at once, each waiting on a ${latencyMs} ms model reply`,
    columns: [
      'contestant',
      'heap KB/run',
      '× openai SDK',
      'RSS KB/run',
      '× openai SDK',
      'runs in flight',
      'resting heap MB',
      'resting RSS MB',
    ],
    rows: ids.map((id) => [
      findContestant(id).label,
      kb(of(id, heap)),
      times(versus(id, heap)),
      kb(of(id, rss)),
      times(versus(id, rss)),
      of(id, (entry) => Math.min(...entry.readings.map((reading) => reading.inFlight))),
      of(id, (entry) => entry.restingHeapBytes) / 2 ** 20,
      of(id, (entry) => entry.restingRssBytes) / 2 ** 20,
    ]),
    notes: [
      'Heap used and RSS above the resting size (after warm-up and a garbage collection), read after a garbage ' +
        `collection at ${READ_AT_REPLIES.join(', ')} model replies into the runs, divided by the runs in flight; ` +
        'the median of those readings, then of the repeats. Both include the HTTP connection each run keeps open.',
    ],
  };
  return {
    tables: [table],
    targets: [
      checkTarget(
        `ReactAgent (native) heap per in-flight run at N = ${runs} ≤ 1.1× openai SDK floor`,
        versus('tinyagent-native', heap),
        '≤',
        1.1,
        '×',
      ),
      checkTarget(
        `ReactAgent (native) RSS per in-flight run at N = ${runs} ≤ 1.1× openai SDK floor`,
        versus('tinyagent-native', rss),
        '≤',
        1.1,
        '×',
      ),
    ],
    invalid: wrongAnswerLines(samples, ' (in-flight memory)'),
  };
}
