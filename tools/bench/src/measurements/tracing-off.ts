// Measurement 16b, in a process of its own: what @tinyagent/otel's `traceRun()` costs per model turn
// with no OpenTelemetry SDK registered, with the model in process. Over HTTP (agent-loop) a turn
// costs ~300 µs of CPU and the machine's noise (±4 % between identical contestants) hides a cost of
// 2 %; in process a turn costs ~6 µs, so what tracing adds shows in absolute microseconds. Those are
// set against the raw fetch loop's turn over HTTP, measured in the same rounds: no turn over HTTP
// costs less, so an addition within 2 % of it is within 2 % of any. Variants take turns (A B C A B
// C …) after a shared warm-up; the three in-process ones share one agent object.
import { tool } from '@tinyagent/core';
import type { ChatModel, ChatRequest, ChatResponse } from '@tinyagent/core';
import { traceRun } from '@tinyagent/otel';
import { ReactAgent } from '@tinyagent/react-agent';
import type { ChatCompletionBody } from '@tinyagent/testing';
import { BENCH_TOOLS, MAX_TURNS } from '../contestants/contestant.ts';
import { createFetchLoop } from '../contestants/fetch-loop.ts';
import type { RunTask } from '../contestants/contestant.ts';
import { roundOrder } from '../order.ts';
import { checkTarget, times } from '../report.ts';
import type { MeasurementReport } from '../report.ts';
import { createTally, runChecked } from '../run-checked.ts';
import type { AnswerTally } from '../run-checked.ts';
import { TOOL_TURNS, createAddTask, decideReply, modelForLatency } from '../scenario.ts';
import type { BenchSettings } from '../settings.ts';
import { median, pairedRatio } from '../stats.ts';
import type { Table } from '../table.ts';
import { tracingOffHttpTable } from './tracing-off-http.ts';
import type { TracingOffHttpSample } from './tracing-off-http.ts';

const VARIANTS = [
  { id: 'plain', label: 'ReactAgent (native), no listener' },
  { id: 'listener', label: 'with a no-op onEvent (reference)' },
  { id: 'traced', label: 'with traceRun(), no SDK registered' },
  { id: 'fetch', label: 'raw fetch loop over HTTP (floor of a turn)' },
] as const;

const overHttp = (id: string): boolean => id === 'fetch';

const tools = BENCH_TOOLS.map((entry) =>
  tool({ name: entry.name, description: entry.description, parameters: entry.parameters, execute: entry.execute }),
);

/** Warm-up runs of each variant; rounds over the variants, and sequential runs per variant per round. */
const WARMUP_RUNS = { full: 2000, quick: 200 };
const ROUNDS = { full: 50, quick: 12 };
const BATCH = { full: 200, quick: 50 };
/** Runs per batch of the fetch floor, whose turns cost ~40 times more. */
const FETCH_BATCH = { full: 10, quick: 4 };
/** The bound: with the package installed and no SDK, a turn costs at most 1.02× one without it. */
const MAX_SHARE_OF_FLOOR = 0.02;

/** One variant's samples. */
export interface TracingOffVariantSamples {
  id: (typeof VARIANTS)[number]['id'];
  /** CPU time (user + system) per model turn, one sample per batch of runs, in microseconds. */
  cpuPerTurnUs: number[];
  tally: AnswerTally;
}

/** The samples of measurements 16b and 16c. */
export interface TracingOffSamples {
  variants: TracingOffVariantSamples[];
  /** 16c: one reading per process, in the order the processes ran (absent from results saved before it). */
  http?: TracingOffHttpSample[] | undefined;
}

// The bench scenario's model, in process: the fake server's stateless reply, without the wire.
function createInProcessModel(): ChatModel {
  const model = modelForLatency(0);
  let calls = 0;
  return {
    modelName: model,
    complete: (request: ChatRequest): Promise<ChatResponse> => {
      const body = { model, messages: request.messages, tools: request.tools } as unknown as ChatCompletionBody;
      const reply = decideReply(body) as {
        content?: string | null;
        toolCalls?: { name: string; arguments: unknown }[];
      };
      const toolCalls = (reply.toolCalls ?? []).map((call) => ({
        id: `call_${(calls += 1)}`,
        name: call.name,
        arguments: JSON.stringify(call.arguments),
      }));
      return Promise.resolve({
        content: reply.content ?? null,
        toolCalls,
        finishReason: toolCalls.length > 0 ? 'tool_calls' : 'stop',
        usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 },
        model,
      });
    },
  };
}

/** Runs the three in-process variants, and the fetch floor against the fake model at `modelURL`. */
export async function measureTracingOff(modelURL: string, settings: BenchSettings): Promise<TracingOffSamples> {
  const agent = new ReactAgent({ tools, chatModel: createInProcessModel(), toolCalling: 'native' });
  let heard = 0;
  const runs: Record<TracingOffVariantSamples['id'], RunTask> = {
    plain: (task) => agent.run(task, { maxSteps: MAX_TURNS }),
    listener: (task) =>
      agent.run(task, {
        maxSteps: MAX_TURNS,
        onEvent: () => {
          heard += 1;
        },
      }),
    traced: (task) => agent.run(task, { maxSteps: MAX_TURNS, ...traceRun() }),
    fetch: createFetchLoop({ baseURL: modelURL, model: modelForLatency(0) }),
  };
  const entries = VARIANTS.map(({ id }) => ({
    run: runs[id],
    samples: { id, cpuPerTurnUs: [] as number[], tally: createTally() },
  }));
  let seed = 0;
  for (const entry of entries) {
    const warmup = WARMUP_RUNS[settings.mode] / (overHttp(entry.samples.id) ? 10 : 1);
    for (let index = 0; index < warmup; index += 1) {
      await runChecked(entry.run, createAddTask((seed += 1)), entry.samples.tally);
    }
  }
  for (let round = 0; round < ROUNDS[settings.mode]; round += 1) {
    for (const entry of roundOrder(entries, round)) {
      const batch = (overHttp(entry.samples.id) ? FETCH_BATCH : BATCH)[settings.mode];
      const before = process.cpuUsage();
      for (let index = 0; index < batch; index += 1) {
        await runChecked(entry.run, createAddTask((seed += 1)), entry.samples.tally);
      }
      const used = process.cpuUsage(before);
      entry.samples.cpuPerTurnUs.push((used.user + used.system) / (batch * (TOOL_TURNS + 1)));
    }
  }
  if (heard === 0) throw new Error('The no-op listener heard no event.');
  return { variants: entries.map((entry) => entry.samples) };
}

// The median of per-round differences: what a variant adds to a turn, the drift between rounds cancelled.
function pairedDifference(values: readonly number[], references: readonly number[]): number {
  return median(values.map((value, index) => value - (references[index] ?? Number.NaN)).filter(Number.isFinite));
}

/** The tables and targets of measurements 16b and 16c. */
export function reportTracingOff(samples: TracingOffSamples): MeasurementReport {
  const byId = new Map<string, TracingOffVariantSamples>(samples.variants.map((entry) => [entry.id, entry]));
  const plain = byId.get('plain')?.cpuPerTurnUs ?? [];
  const floor = median(byId.get('fetch')?.cpuPerTurnUs ?? []);
  const added = pairedDifference(byId.get('traced')?.cpuPerTurnUs ?? [], plain);
  const inProcess = (id: string): boolean => id !== 'plain' && id !== 'fetch';
  const table: Table = {
    title: '16b. traceRun() with no OpenTelemetry SDK: CPU per model turn, model in process (latency 0)',
    columns: ['variant', 'CPU µs/turn', 'added µs/turn', '× no listener', 'runs checked', 'wrong answers'],
    rows: VARIANTS.map(({ id, label }) => {
      const entry = byId.get(id);
      const cpu = entry?.cpuPerTurnUs ?? [];
      return [
        label,
        median(cpu),
        inProcess(id) ? pairedDifference(cpu, plain) : undefined,
        inProcess(id) ? times(pairedRatio(cpu, plain)) : undefined,
        entry?.tally.runs,
        entry?.tally.wrong,
      ];
    }),
    notes: [
      "The bench scenario (K = 4 tool turns, then the sum) on one ReactAgent whose model is the fake server's reply in " +
        "process, so that a turn is the agent's own work only. Added: the median of per-round differences to the " +
        'variant without a listener; ratios likewise, per round. The raw fetch loop runs against the fake model ' +
        'process, as in table 1.',
      `traceRun() with no SDK adds ${((added / floor) * 100).toFixed(2)} % of the fetch floor's turn.`,
    ],
  };
  const invalid = [
    ...samples.variants,
    ...(samples.http ?? []).map((entry) => ({ ...entry, id: `${entry.variant}, over HTTP` })),
  ]
    .filter((entry) => entry.tally.wrong > 0)
    .map(
      (entry) =>
        `Tracing off (${entry.id}): ${entry.tally.wrong} of ${entry.tally.runs} runs wrong (${entry.tally.firstProblem ?? ''})`,
    );
  const target = checkTarget(
    '@tinyagent/otel installed, no SDK: CPU added per turn ≤ 2% of the fetch floor’s turn',
    added,
    '≤',
    MAX_SHARE_OF_FLOOR * floor,
    ' µs',
  );
  const tables = samples.http === undefined ? [table] : [table, tracingOffHttpTable(samples.http)];
  return { tables, targets: [target], invalid };
}
