// The fault-injected soak (`pnpm soak`, or `pnpm soak:quick` for the short profile CI runs):
//   node --conditions=@tinyagent/source --expose-gc --no-flush-bytecode \
//     tools/reliability/src/soak.ts [--quick] [--seed N]
// (--no-flush-bytecode: V8 otherwise drops the bytecode of functions idle for a few collections,
// which shrinks the heap between the two measures by some 5 MB and could hide a leak that size.)
// Concurrent ReactAgent (both protocols) and TinyCodeAgent runs against the fake OpenAI server with
// about one model request in ten faulted, then runs aborted at random moments in a child process.
// Prints the counts per outcome and exits non-zero on any failure; it stops by itself.
import { parseArgs } from 'node:util';
import { OpenAIChatModel, createConsoleLogger, setLogger } from '@tinyagent/core';
import { sleep } from '@tinyagent/core/internal';
import type { RunResult } from '@tinyagent/core';
import { TinyCodeAgent } from '@tinyagent/code-agent';
import { ReactAgent } from '@tinyagent/react-agent';
import { startFakeOpenAI } from '@tinyagent/testing';
import { FUZZ_SEED } from './fuzz-settings.ts';
import { settledHeap } from './heap.ts';
import { createSlots } from './slots.ts';
import { runCancellationChild } from './run-child.ts';
import { classify, count, failures, formatReport } from './soak-report.ts';
import type { OutcomeCounts } from './soak-report.ts';
import { createSoakModel, createSoakRuns, lookupOffset, lookupOffsetAsync, multiply } from './soak-scenario.ts';
import type { SoakRun } from './soak-scenario.ts';

// A hung request fails its model call at `modelTimeoutMs`. Shorter deadlines failed hundreds of
// healthy calls of the full profile when other work shared the two cores: a thousand runs and their
// server share one event loop.
const PROFILES = {
  full: { react: 1000, code: 100, cancelled: 500, modelTimeoutMs: 15_000 },
  quick: { react: 120, code: 12, cancelled: 60, modelTimeoutMs: 5_000 },
} as const;

// Every run must have settled by then; what has not is reported as pending.
const SOAK_DEADLINE_MS = 180_000;

// The code runs go at most this many at a time, alongside all the ReactAgent runs. The limit dates
// from when each run started a worker thread of its own (a hundred at once starved everything else for
// half a minute); sandboxes now share a bounded pool, and the hostile-mix code soak (code-soak.ts)
// runs a thousand at once. It is kept so that this soak's load stays the one its deadlines were set for.
const CODE_RUNS_AT_ONCE = 10;

const { values } = parseArgs({ options: { quick: { type: 'boolean' }, seed: { type: 'string' } } });
const profile = values.quick === true ? 'quick' : 'full';
const sizes = PROFILES[profile];
const seed = Number(values.seed ?? FUZZ_SEED);

let unhandledRejections = 0;
let uncaughtExceptions = 0;
process.on('unhandledRejection', (reason) => {
  unhandledRejections += 1;
  process.stderr.write(`unhandled rejection: ${String(reason)}\n`);
});
process.on('uncaughtException', (error) => {
  uncaughtExceptions += 1;
  process.stderr.write(`uncaught exception: ${error.stack ?? String(error)}\n`);
});
// Retries are expected here by the hundred; their log lines would bury the report.
setLogger(createConsoleLogger('silent'));

const model = createSoakModel(seed);
const server = await startFakeOpenAI({ handler: model.answer, recordRequests: false });
const agents = createAgents(server.url);

// A warm-up round of the same size first (other questions, not counted): what grows once with
// concurrency and then stays for reuse (Node's pool of HTTP parsers, compiled code, sandbox workers)
// belongs to the baseline. Both measures wait for the idle keep-alive connections to close.
await runAll(createSoakRuns(sizes.react, sizes.code, seed + 1), new Map());
const heapBeforeMb = await heapOnceIdle();
const requestsBefore = server.requestCount;
model.faults.clear();

const counts: OutcomeCounts = new Map();
const started = performance.now();
const pending = await runAll(createSoakRuns(sizes.react, sizes.code, seed), counts);
const soakSeconds = (performance.now() - started) / 1000;
const modelRequests = server.requestCount - requestsBefore;
const heapAfterMb = await heapOnceIdle();
await server.close();

const cancellation = await runCancellationChild(sizes.cancelled, seed, 120_000);
const figures = {
  profile,
  seed,
  counts,
  faults: model.faults,
  modelRequests,
  pending,
  unhandledRejections,
  uncaughtExceptions,
  heapBeforeMb,
  heapAfterMb,
  soakSeconds,
  cancelled: cancellation.outcomes,
  cancelExitCode: cancellation.code,
  cancelExitMs: cancellation.exitAfterOutputMs,
  cancelStderr: cancellation.stderr,
  cancelLoopDelayMs: cancellation.maxLoopDelayMs,
};
process.stdout.write(`${formatReport(figures)}\n`);
const found = failures(figures);
process.stdout.write(found.length === 0 ? '\nPASS\n' : `\nFAIL\n${found.map((line) => `  - ${line}`).join('\n')}\n`);
process.exitCode = found.length === 0 ? 0 : 1;
// The soak must stop by itself; if something still holds the process, say what.
setTimeout(() => {
  process.stderr.write(`The soak could not exit: still held by ${process.getActiveResourcesInfo().join(', ')}\n`);
  process.exit(1);
}, 20_000).unref();

// The heap once every connection has closed (Node's HTTP server closes idle keep-alive connections
// after 5 s; the client's pool then lets go of its sockets) and it has settled.
async function heapOnceIdle(): Promise<number> {
  for (let waited = 0; waited < 15_000 && process.getActiveResourcesInfo().includes('TCPSocketWrap'); waited += 500) {
    await sleep(500);
  }
  return settledHeap();
}

function createAgents(baseURL: string): Record<string, ReactAgent | TinyCodeAgent> {
  const agents: Record<string, ReactAgent | TinyCodeAgent> = {};
  for (const streaming of [false, true]) {
    const chatModel = new OpenAIChatModel({
      baseURL,
      model: 'fake-model',
      streaming,
      maxRetries: 3,
      retryDelayMs: 50,
      timeoutMs: sizes.modelTimeoutMs,
    });
    const reactTools = [multiply, lookupOffsetAsync];
    agents[`react-json ${streaming}`] = new ReactAgent({ tools: reactTools, chatModel, toolCalling: 'json' });
    agents[`react-native ${streaming}`] = new ReactAgent({ tools: reactTools, chatModel, toolCalling: 'native' });
    agents[`code ${streaming}`] = new TinyCodeAgent({ tools: [multiply, lookupOffset], chatModel });
  }
  return agents;
}

/** Starts every run at once and counts how each ended; resolves with the number still pending at the deadline. */
async function runAll(runs: readonly SoakRun[], outcomes: OutcomeCounts): Promise<number> {
  const expected = new Set(runs.map((run) => run.expected));
  const codeSlots = createSlots(CODE_RUNS_AT_ONCE);
  let settled = 0;
  const all = Promise.all(
    runs.map(async (run) => {
      const agent = agents[`${run.kind} ${run.streaming}`];
      if (agent === undefined) throw new Error(`No agent for ${run.kind}.`);
      const release = run.kind === 'code' ? await codeSlots() : () => undefined;
      const result: RunResult = await agent.run(run.task, { returnResult: true, maxSteps: 8 });
      release();
      count(outcomes, run.kind, classify(run, result, expected));
      settled += 1;
    }),
  );
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, SOAK_DEADLINE_MS)));
  await Promise.race([all, deadline]);
  clearTimeout(timer);
  return runs.length - settled;
}
