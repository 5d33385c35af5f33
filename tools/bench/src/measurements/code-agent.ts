// Measurement 5: the code agent's sandbox seen from the main thread — creating one, a trivial
// execution, one tool call from inside it — how responsive the process stays while one execution
// busy-loops on its worker thread, and how long one runaway loop holds up 100 other runs. The scale
// part (N concurrent agent runs) runs in processes of its own: see code-agent-scale.ts.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { JsExecutor } from '@tinyagent/code-agent';
import { tool, z } from '@tinyagent/core';
import { percentile } from '@tinyagent/fixtures/stats';
import { checkTarget } from '../report.ts';
import type { MeasurementReport } from '../report.ts';
import { reportCodeAgentScale } from './code-agent-scale-report.ts';
import type { ScaleSamples } from './code-agent-scale-report.ts';
import type { BenchSettings } from '../settings.ts';
import { median } from '../stats.ts';
import type { Table } from '../table.ts';

/** The samples of measurement 5, in milliseconds. */
export interface CodeAgentSamples {
  /** The very first sandbox of the process: a new worker thread compiling QuickJS. */
  coldCreateMs: number;
  /** New executor + `warm()` with a pooled worker: a fresh QuickJS instance. */
  createMs: number[];
  /** `run('1 + 1')` on a warm sandbox. */
  trivialRunMs: number[];
  /** Cost of one tool call from model code: (a loop of calls − the same loop without) / calls. */
  toolCallMs: number[];
  /** While one execution busy-loops: the main thread's event-loop delay, and the other sandboxes' runs. */
  busyLoop: { eventLoopDelayP99Ms: number; eventLoopDelayMaxMs: number; otherRuns: number; otherRunP99Ms: number };
  /** 100 trivial runs at once, alone and right after one runaway loop started (see measureRunaway). */
  runaway: { deadlineMs: number; aloneMaxMs: number; withRunawayMaxMs: number; withRunawayP50Ms: number };
  /** Executions whose output was not the expected one. */
  wrong: number;
  /** The scale part, measured in processes of its own (absent from results saved before it existed). */
  scale?: ScaleSamples[] | undefined;
}

const RUNAWAY_OTHERS = 100;
const RUNAWAY_DEADLINE_MS = 1000;
const RUNAWAY_SLACK_MS = 50;

const add = tool({
  name: 'add',
  description: 'Adds two numbers.',
  parameters: z.object({ a: z.number(), b: z.number() }),
  execute: ({ a, b }) => a + b,
});

const CALLS_PER_SAMPLE = 1000;
// The worker's JIT needs some ten thousand calls before a call's cost settles (measured: the first
// thousands are two to three times slower).
const TOOL_WARMUP_SAMPLES = 12;
const limits = { maxToolCalls: CALLS_PER_SAMPLE, timeoutMs: 30_000 };

/** Runs measurement 5. */
export async function measureCodeAgent(settings: BenchSettings): Promise<CodeAgentSamples> {
  let wrong = 0;
  const expect = (output: string, expected: string): void => {
    if (output !== expected) wrong += 1;
  };
  let started = performance.now();
  const first = new JsExecutor({ tools: [add], limits });
  await first.warm();
  const coldCreateMs = performance.now() - started;
  first.dispose();

  const createMs: number[] = [];
  for (let index = 0; index < settings.codeSamples + 20; index += 1) {
    started = performance.now();
    const executor = new JsExecutor({ tools: [add], limits });
    await executor.warm();
    if (index >= 20) createMs.push(performance.now() - started);
    executor.dispose();
  }

  using executor = new JsExecutor({ tools: [add], limits });
  const trivialRunMs: number[] = [];
  for (let index = 0; index < settings.codeSamples + 50; index += 1) {
    started = performance.now();
    const result = await executor.run('1 + 1');
    if (index >= 50) trivialRunMs.push(performance.now() - started);
    expect(result.output, '2');
  }

  const withCalls = `let s = 0; for (let i = 0; i < ${CALLS_PER_SAMPLE}; i++) s = add({ a: s, b: 1 }); return s;`;
  const withoutCalls = `let s = 0; for (let i = 0; i < ${CALLS_PER_SAMPLE}; i++) s = s + 1; return s;`;
  const timed = async (code: string): Promise<number> => {
    const begin = performance.now();
    // A function keeps `s` local: top-level declarations would persist into the next execution.
    const result = await executor.run(`(() => { ${code} })()`);
    expect(result.output, String(CALLS_PER_SAMPLE));
    return performance.now() - begin;
  };
  const toolCallMs: number[] = [];
  const toolSamples = Math.max(5, Math.round(settings.codeSamples / 10));
  for (let index = 0; index < toolSamples + TOOL_WARMUP_SAMPLES; index += 1) {
    const perCall = ((await timed(withCalls)) - (await timed(withoutCalls))) / CALLS_PER_SAMPLE;
    if (index >= TOOL_WARMUP_SAMPLES) toolCallMs.push(perCall);
  }

  const busyLoop = await measureBusyLoop(settings.mode === 'full' ? 2000 : 1000, expect);
  const runaway = await measureRunaway(expect);
  return { coldCreateMs, createMs, trivialRunMs, toolCallMs, busyLoop, runaway, wrong };
}

// A worker runs its sandboxes' executions one at a time, so a runaway loop holds up the runs queued
// behind it on its worker until its deadline stops it; the others' workers are not held up at all.
async function measureRunaway(
  expect: (output: string, expected: string) => void,
): Promise<CodeAgentSamples['runaway']> {
  using runaway = new JsExecutor({ limits: { timeoutMs: RUNAWAY_DEADLINE_MS } });
  const others = Array.from({ length: RUNAWAY_OTHERS }, () => new JsExecutor());
  await Promise.all([runaway.warm(), ...others.map((other) => other.warm())]);
  const runOthers = async (): Promise<number[]> => {
    const started = performance.now();
    return Promise.all(
      others.map(async (other, index) => {
        expect((await other.run(`${index} + 1`)).output, String(index + 1));
        return performance.now() - started;
      }),
    );
  };
  const alone = await runOthers();
  const looping = runaway.run('for (;;) {}');
  const withRunaway = await runOthers();
  expect((await looping).output.startsWith('Execution error: TimeoutError') ? 'stopped' : 'ran on', 'stopped');
  for (const other of others) other.dispose();
  return {
    deadlineMs: RUNAWAY_DEADLINE_MS,
    aloneMaxMs: Math.max(...alone),
    withRunawayMaxMs: Math.max(...withRunaway),
    withRunawayP50Ms: percentile(withRunaway, 50),
  };
}

async function measureBusyLoop(
  busyMs: number,
  expect: (output: string, expected: string) => void,
): Promise<CodeAgentSamples['busyLoop']> {
  using busy = new JsExecutor({ limits: { timeoutMs: busyMs * 10 } });
  const others = [new JsExecutor(), new JsExecutor()];
  await Promise.all([busy.warm(), ...others.map((other) => other.warm())]);
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const spinning = busy.run(`const end = Date.now() + ${busyMs}; while (Date.now() < end) {} "done"`);
  let running = true;
  void spinning.finally(() => (running = false));
  const otherRunMs: number[] = [];
  await Promise.all(
    others.map(async (other) => {
      while (running) {
        const started = performance.now();
        const result = await other.run('6 * 7');
        otherRunMs.push(performance.now() - started);
        expect(result.output, '42');
      }
    }),
  );
  expect((await spinning).output, "'done'");
  delay.disable();
  for (const other of others) other.dispose();
  return {
    eventLoopDelayP99Ms: delay.percentile(99) / 1e6,
    eventLoopDelayMaxMs: delay.max / 1e6,
    otherRuns: otherRunMs.length,
    otherRunP99Ms: percentile(otherRunMs, 99),
  };
}

/** The code-agent tables and their targets. */
export function reportCodeAgent(samples: CodeAgentSamples): MeasurementReport {
  const { busyLoop, runaway } = samples;
  const runawayDelayMs = runaway.withRunawayMaxMs - runaway.aloneMaxMs;
  const create = median(samples.createMs);
  const trivial = median(samples.trivialRunMs);
  const toolCallUs = median(samples.toolCallMs) * 1000;
  const table: Table = {
    title: '5. Code agent sandbox (JsExecutor, from the main thread)',
    columns: ['metric', 'median', 'p99', 'unit'],
    rows: [
      ['first sandbox of the process (new worker, QuickJS compiled)', samples.coldCreateMs, undefined, 'ms'],
      ['create a sandbox (pooled worker, fresh QuickJS instance)', create, percentile(samples.createMs, 99), 'ms'],
      ['trivial execution (`1 + 1`)', trivial, percentile(samples.trivialRunMs, 99), 'ms'],
      ['one tool call from inside the sandbox', toolCallUs, percentile(samples.toolCallMs, 99) * 1000, 'µs'],
      ['event-loop delay while one execution busy-loops', undefined, busyLoop.eventLoopDelayP99Ms, 'ms'],
      [
        "other sandboxes' runs meanwhile (" + String(busyLoop.otherRuns) + ' runs)',
        undefined,
        busyLoop.otherRunP99Ms,
        'ms',
      ],
    ],
    notes: [
      `Largest event-loop delay during the busy loop: ${busyLoop.eventLoopDelayMaxMs.toFixed(1)} ms.`,
      `${RUNAWAY_OTHERS} trivial runs at once: the last answered after ${runaway.aloneMaxMs.toFixed(0)} ms alone, and ` +
        `after ${runaway.withRunawayMaxMs.toFixed(0)} ms (median ${runaway.withRunawayP50Ms.toFixed(0)} ms) when one ` +
        `runaway loop with a ${runaway.deadlineMs} ms deadline started just before them.`,
    ],
  };
  const scale = reportCodeAgentScale(samples.scale ?? []);
  return {
    tables: [table, ...scale.tables],
    targets: [
      checkTarget('Code agent: create ≤ 10 ms', create, '≤', 10, ' ms'),
      checkTarget('Code agent: trivial run ≤ 1 ms', trivial, '≤', 1, ' ms'),
      checkTarget('Code agent: tool call ≤ 50 µs', toolCallUs, '≤', 50, ' µs'),
      checkTarget(
        'Code agent: event-loop delay p99 < 50 ms during a busy loop',
        busyLoop.eventLoopDelayP99Ms,
        '≤',
        50,
        ' ms',
      ),
      // The loop stops at its first interrupt check past the deadline, and its result still has to reach
      // the main thread before the next execution's does: a few milliseconds on top of the deadline.
      checkTarget(
        `Code agent: one runaway loop delays ${RUNAWAY_OTHERS} other runs by ≤ its deadline + ${RUNAWAY_SLACK_MS} ms (${runaway.deadlineMs} ms)`,
        runawayDelayMs,
        '≤',
        runaway.deadlineMs + RUNAWAY_SLACK_MS,
        ' ms',
      ),
      ...scale.targets,
    ],
    invalid: [
      ...(samples.wrong > 0 ? [`Code agent: ${samples.wrong} executions gave a wrong output`] : []),
      ...scale.invalid,
    ],
  };
}
