// `pnpm bench` (and `pnpm bench:quick`): starts the fake model in a process of its own, runs each
// measurement in fresh measuring processes, prints a markdown table per measurement as it ends, and
// writes everything as JSON under results/. Exits non-zero when a contestant gave a wrong answer or
// a measurement crashed; timings never fail the run (the targets table tells what was met).
// `--render=<results.json>` prints the tables and targets of a saved run again, measuring nothing.
import { readFileSync } from 'node:fs';
import { firstMessage, runInChild, startChild } from './child-process.ts';
import { CONTESTANTS, STREAMING_CONTESTANTS } from './contestants/index.ts';
import type { MeasureJob } from './measure-process.ts';
import { reportAgentLoop } from './measurements/agent-loop.ts';
import { rotate } from './order.ts';
import type { AgentLoopSamples } from './measurements/agent-loop.ts';
import { reportCodeAgent } from './measurements/code-agent.ts';
import type { CodeAgentSamples } from './measurements/code-agent.ts';
import { SCALE_LEVELS } from './measurements/code-agent-scale-report.ts';
import type { ScaleSamples } from './measurements/code-agent-scale-report.ts';
import { reportThroughput } from './measurements/throughput.ts';
import type { ThroughputSamples } from './measurements/throughput.ts';
import { reportInFlightMemory } from './measurements/in-flight-memory.ts';
import type { InFlightSamples } from './measurements/in-flight-memory.ts';
import { reportMcp } from './measurements/mcp.ts';
import type { McpSamples } from './measurements/mcp.ts';
import { reportDurable } from './measurements/durable.ts';
import type { DurableSamples } from './measurements/durable.ts';
import { reportSnapshots } from './measurements/snapshots.ts';
import type { SnapshotSamples } from './measurements/snapshots.ts';
import { reportTracingOff } from './measurements/tracing-off.ts';
import type { TracingOffSamples } from './measurements/tracing-off.ts';
import { HTTP_PAIRS } from './measurements/tracing-off-http.ts';
import type { TracingOffHttpSample, TracingOffHttpVariant } from './measurements/tracing-off-http.ts';
import { reportStreaming } from './measurements/streaming.ts';
import type { StreamingResult } from './measurements/streaming.ts';
import { reportStreamStall } from './measurements/stream-stall.ts';
import type { StallSamples } from './measurements/stream-stall.ts';
import { reportWebBrowse } from './measurements/web-browse.ts';
import type { WebBrowseSamples } from './measurements/web-browse.ts';
import type { ModelProcessReady } from './model-process.ts';
import { targetsTable } from './report.ts';
import type { MeasurementReport } from './report.ts';
import { describeMachine, packageVersions, writeResults } from './results-file.ts';
import { benchSettings } from './settings.ts';
import { renderTable } from './table.ts';

const option = (name: string): string | undefined =>
  process.argv.find((argument) => argument.startsWith(`--${name}=`))?.slice(name.length + 3);
const MEASUREMENTS = [
  'agent-loop',
  'throughput',
  'code-agent',
  'web-browse',
  'snapshots',
  'tracing-off',
  'in-flight-memory',
  'streaming',
  'stream-stall',
  'mcp',
  'durable',
];
const only = option('only')?.split(',');
const unknown = only?.filter((name) => !MEASUREMENTS.includes(name)) ?? [];
if (unknown.length > 0) {
  // A typo would otherwise measure nothing and still overwrite the latest results.
  console.error(`Unknown measurement in --only: ${unknown.join(', ')}. Known: ${MEASUREMENTS.join(', ')}.`);
  process.exit(2);
}
const renderFrom = option('render');
const saved =
  renderFrom === undefined
    ? undefined
    : (JSON.parse(readFileSync(renderFrom, 'utf8')) as { mode: string; samples: Record<string, unknown> });
const quick = saved === undefined ? process.argv.includes('--quick') : saved.mode === 'quick';
const settings = benchSettings(quick);
const started = performance.now();
const reports: MeasurementReport[] = [];
const samples: Record<string, unknown> = {};
const crashes: string[] = [];

console.log(`# TinyAgent benchmarks (${settings.mode}), ${renderFrom ?? new Date().toISOString()}\n`);
const model = saved === undefined ? startChild('./model-process.ts', { profile: false }) : undefined;
const { modelURL, streamURL, pagesURL } =
  model === undefined
    ? { modelURL: '', streamURL: '', pagesURL: '' }
    : await firstMessage<ModelProcessReady>(model, 'The fake model process');

async function measure<T>(name: string, collect: () => Promise<T>, report: (result: T) => MeasurementReport) {
  if (only !== undefined && !only.includes(name)) return;
  if (saved !== undefined && !(name in saved.samples)) return;
  try {
    const result = saved === undefined ? await collect() : (saved.samples[name] as T);
    samples[name] = result;
    const section = report(result);
    reports.push(section);
    for (const table of section.tables) console.log(renderTable(table));
  } catch (error) {
    crashes.push(error instanceof Error ? error.message : String(error));
    console.error(`${name} crashed: ${crashes.at(-1) ?? ''}`);
  }
}

try {
  await measure(
    'agent-loop',
    () => runInChild<AgentLoopSamples[]>({ kind: 'agent-loop', quick, modelURL } satisfies MeasureJob, 'agent-loop'),
    reportAgentLoop,
  );
  await measure('throughput', collectThroughput, (result) => reportThroughput(result, settings.concurrency));
  await measure('code-agent', collectCodeAgent, reportCodeAgent);
  await measure(
    'web-browse',
    () => runInChild<WebBrowseSamples>({ kind: 'web-browse', quick, pagesURL } satisfies MeasureJob, 'web-browse'),
    reportWebBrowse,
  );
  await measure(
    'snapshots',
    () => runInChild<SnapshotSamples>({ kind: 'snapshots', quick, modelURL } satisfies MeasureJob, 'snapshots'),
    reportSnapshots,
  );
  await measure('tracing-off', collectTracingOff, reportTracingOff);
  await measure('in-flight-memory', collectInFlightMemory, reportInFlightMemory);
  await measure(
    'streaming',
    () => runInChild<StreamingResult>({ kind: 'streaming', quick, streamURL } satisfies MeasureJob, 'streaming'),
    reportStreaming,
  );
  await measure('stream-stall', collectStreamStall, reportStreamStall);
  await measure('mcp', () => runInChild<McpSamples>({ kind: 'mcp', quick } satisfies MeasureJob, 'mcp'), reportMcp);
  await measure(
    'durable',
    () => runInChild<DurableSamples>({ kind: 'durable', quick } satisfies MeasureJob, 'durable'),
    reportDurable,
  );
} finally {
  model?.disconnect();
}

// 16b in one process; then 16c, each variant alone in a process, the pairs' order alternating.
async function collectTracingOff(): Promise<TracingOffSamples> {
  const job = { kind: 'tracing-off', quick, modelURL } satisfies MeasureJob;
  const inProcess = await runInChild<TracingOffSamples>(job, 'tracing-off');
  const http: TracingOffHttpSample[] = [];
  for (let pair = 0; pair < HTTP_PAIRS[settings.mode]; pair += 1) {
    const order: TracingOffHttpVariant[] = pair % 2 === 0 ? ['plain', 'traced'] : ['traced', 'plain'];
    for (const variant of order) {
      const one = { kind: 'tracing-off-http', quick, modelURL, variant } satisfies MeasureJob;
      http.push(await runInChild<TracingOffHttpSample>(one, `tracing-off over HTTP (${variant})`));
    }
  }
  return { ...inProcess, http };
}

// The sandbox's own figures in one process, then each agent at each scale level in a process of its own.
async function collectCodeAgent(): Promise<CodeAgentSamples> {
  const sandbox = await runInChild<CodeAgentSamples>({ kind: 'code-agent', quick } satisfies MeasureJob, 'code-agent');
  const scale: ScaleSamples[] = [];
  // The code agent also under --v8-pool-size=1: on a machine with few cores, V8's helper threads
  // doing the sandbox workers' concurrent garbage collection were the largest consumer of CPU.
  const variants = [
    { agent: 'react', v8PoolSize: undefined },
    { agent: 'code', v8PoolSize: undefined },
    { agent: 'code', v8PoolSize: 1 },
  ] as const;
  for (const concurrency of SCALE_LEVELS) {
    for (const { agent, v8PoolSize } of variants) {
      const job: MeasureJob = { kind: 'code-agent-scale', quick, agent, concurrency, v8PoolSize };
      const flags = v8PoolSize === undefined ? [] : [`--v8-pool-size=${v8PoolSize}`];
      const what = `code-agent scale of ${agent} at ${concurrency}${flags.length === 0 ? '' : ` (${flags.join(' ')})`}`;
      scale.push(await runInChild<ScaleSamples>(job, what, flags));
    }
  }
  return { ...sandbox, scale };
}

// One process per contestant and repeat; the order rotates between repeats.
async function collectThroughput(): Promise<ThroughputSamples[]> {
  const results: ThroughputSamples[] = [];
  for (let repeat = 0; repeat < settings.throughputRepeats; repeat += 1) {
    const order = rotate(CONTESTANTS, repeat);
    for (const contestant of order) {
      const job: MeasureJob = { kind: 'throughput', quick, modelURL, contestantId: contestant.id };
      results.push(await runInChild<ThroughputSamples>(job, `throughput of ${contestant.id}`));
    }
  }
  return results;
}

// Like throughput: one process per contestant and repeat, the order rotating between repeats.
async function collectInFlightMemory(): Promise<InFlightSamples[]> {
  const results: InFlightSamples[] = [];
  for (let repeat = 0; repeat < settings.throughputRepeats; repeat += 1) {
    const measured = CONTESTANTS.filter((entry) => settings.inFlightContestants?.includes(entry.id) ?? true);
    for (const contestant of rotate(measured, repeat)) {
      const job: MeasureJob = { kind: 'in-flight-memory', quick, modelURL, contestantId: contestant.id };
      results.push(await runInChild<InFlightSamples>(job, `in-flight memory of ${contestant.id}`));
    }
  }
  return results;
}

// Like in-flight memory: one process per contestant and repeat, the order rotating between repeats.
async function collectStreamStall(): Promise<StallSamples[]> {
  const results: StallSamples[] = [];
  const measured = STREAMING_CONTESTANTS.filter((entry) => settings.stallContestants?.includes(entry.id) ?? true);
  for (let repeat = 0; repeat < settings.stallRepeats; repeat += 1) {
    for (const contestant of rotate(measured, repeat)) {
      const job: MeasureJob = { kind: 'stream-stall', quick, streamURL, contestantId: contestant.id };
      results.push(await runInChild<StallSamples>(job, `stalled stream of ${contestant.id}`));
    }
  }
  return results;
}

const targets = reports.flatMap((section) => section.targets);
const invalid = reports.flatMap((section) => section.invalid);
console.log(renderTable(targetsTable(targets)));
const durationSeconds = (performance.now() - started) / 1000;
if (saved === undefined) await saveResults();
for (const problem of [...invalid, ...crashes]) console.error(`INVALID: ${problem}`);
process.exitCode = invalid.length > 0 || crashes.length > 0 ? 1 : 0;

async function saveResults(): Promise<void> {
  const file = await writeResults(settings.mode, {
    date: new Date().toISOString(),
    mode: settings.mode,
    durationSeconds,
    machine: describeMachine(),
    versions: await packageVersions(),
    targets,
    invalid,
    crashes,
    samples,
    tables: reports.flatMap((section) => section.tables.map(renderTable)),
  });
  console.log(`Finished in ${durationSeconds.toFixed(0)} s; results in ${file}`);
}
