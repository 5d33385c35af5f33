// The hostile-mix code soak (issue 19), `pnpm soak:code` or `pnpm soak:code --quick`:
//   node --conditions=@tinyagent/source --expose-gc tools/reliability/src/code-soak.ts [--quick] [--seed N]
// A thousand TinyCodeAgent runs at once on one sandbox pool, a tenth of them hostile (infinite loops,
// memory bombs, stack bombs, tool calls after the deadline), the rest adding two numbers with a tool
// over two steps. Passes when every normal run's answer is right, every hostile one ends with its
// typed error, no tool call ran after its deadline, no run saw another's state, every sandbox was
// freed, and the heap came back to its baseline. Exits non-zero otherwise; it stops by itself.
import { parseArgs } from 'node:util';
import { TinyCodeAgent, createSandboxPool } from '@tinyagent/code-agent';
import { sleep } from '@tinyagent/core/internal';
import { createScriptedModel } from '@tinyagent/testing';
import type { RecordedChatRequest, ScriptedReply } from '@tinyagent/testing';
import { add, answerCodeSoak, createCodeSoakRuns, lateCalls } from './code-soak-scenario.ts';
import type { CodeSoakRun } from './code-soak-scenario.ts';
import { FUZZ_SEED } from './fuzz-settings.ts';
import { settledHeap } from './heap.ts';

const PROFILES = { full: { runs: 1000 }, quick: { runs: 100 } } as const;
const HOSTILE_SHARE = 0.1;
// Short, so that the hostile executions (each stopped at its deadline) do not make the soak long;
// the other runs on their worker wait for them, which is what the soak exercises.
const LIMITS = { timeoutMs: 300, memoryBytes: 32 * 1024 * 1024 };
// The heap may settle a little above its baseline (compiled code, caches), never by a leak per run.
const HEAP_GROWTH_LIMIT_MB = 8;

const { values } = parseArgs({ options: { quick: { type: 'boolean' }, seed: { type: 'string' } } });
const profile = values.quick === true ? 'quick' : 'full';
const { runs: runCount } = PROFILES[profile];
const seed = Number(values.seed ?? FUZZ_SEED);

let unhandled = 0;
process.on('unhandledRejection', (reason) => {
  unhandled += 1;
  process.stderr.write(`unhandled rejection: ${String(reason)}\n`);
});

const pool = createSandboxPool();
const step = (request: RecordedChatRequest): ScriptedReply => answerCodeSoak(request);
// Two model calls per run; the warm-up round has the same size as the soak.
const chatModel = createScriptedModel(Array.from({ length: 6 * runCount }, () => step));
const agent = new TinyCodeAgent({ tools: [add], chatModel, limits: LIMITS, pool });

await runAll(createCodeSoakRuns(runCount, HOSTILE_SHARE, seed + 1));
const heapBeforeMb = await settledHeap();
const rssBeforeMb = process.memoryUsage.rss() / 2 ** 20;
const started = performance.now();
const outcomes = await runAll(createCodeSoakRuns(runCount, HOSTILE_SHARE, seed));
const seconds = (performance.now() - started) / 1000;
const heapAfterMb = await settledHeap();
const rssAfterMb = process.memoryUsage.rss() / 2 ** 20;
const sandboxesLeft = pool.loads().reduce((sum, load) => sum + load, 0);
pool.close();
// What the workers held (their heaps, the sandboxes' memories they had not collected yet) goes with them.
await sleep(1_000);
const rssClosedMb = process.memoryUsage.rss() / 2 ** 20;

const problems = [
  ...outcomes.wrong.slice(0, 10),
  ...(outcomes.wrong.length > 10 ? [`… and ${outcomes.wrong.length - 10} more wrong runs`] : []),
  ...(lateCalls.count > 0 ? [`${lateCalls.count} tool calls ran after their execution's deadline`] : []),
  ...(sandboxesLeft > 0 ? [`${sandboxesLeft} sandboxes were still alive after every run ended`] : []),
  ...(heapAfterMb - heapBeforeMb > HEAP_GROWTH_LIMIT_MB
    ? [`the heap grew from ${heapBeforeMb.toFixed(1)} MB to ${heapAfterMb.toFixed(1)} MB`]
    : []),
  ...(unhandled > 0 ? [`${unhandled} unhandled rejections`] : []),
];
const lines = [
  `code soak (${profile}, seed ${seed}): ${runCount} runs at once on ${pool.workers} workers in ${seconds.toFixed(1)} s`,
  `  normal runs right: ${outcomes.normalRight}/${outcomes.normal}`,
  `  hostile runs ending with their typed error: ${outcomes.hostileRight}/${outcomes.hostile} ` +
    `(${Object.entries(outcomes.byKind)
      .map(([kind, total]) => `${kind} ${total}`)
      .join(', ')})`,
  `  tool calls after a deadline: ${lateCalls.count}; sandboxes left: ${sandboxesLeft}`,
  `  heap ${heapBeforeMb.toFixed(1)} → ${heapAfterMb.toFixed(1)} MB; RSS ${rssBeforeMb.toFixed(0)} → ${rssAfterMb.toFixed(0)} MB, ` +
    `${rssClosedMb.toFixed(0)} MB once the pool closed`,
];
process.stdout.write(`${lines.join('\n')}\n`);
process.stdout.write(
  problems.length === 0 ? '\nPASS\n' : `\nFAIL\n${problems.map((line) => `  - ${line}`).join('\n')}\n`,
);
process.exitCode = problems.length === 0 ? 0 : 1;
setTimeout(() => {
  process.stderr.write(`The code soak could not exit: still held by ${process.getActiveResourcesInfo().join(', ')}\n`);
  process.exit(1);
}, 20_000).unref();

interface Outcomes {
  normal: number;
  normalRight: number;
  hostile: number;
  hostileRight: number;
  byKind: Record<string, number>;
  wrong: string[];
}

// Starts every run at once; a run that fails is wrong, as is one whose answer is not the expected one.
async function runAll(runs: readonly CodeSoakRun[]): Promise<Outcomes> {
  const outcomes: Outcomes = { normal: 0, normalRight: 0, hostile: 0, hostileRight: 0, byKind: {}, wrong: [] };
  await Promise.all(
    runs.map(async (run) => {
      const result = await agent.run(run.task, { returnResult: true, maxSteps: 3 });
      const answer = result.state === 'completed' ? result.output : `${result.state}: ${result.error?.message ?? ''}`;
      const right = answer === run.expected;
      if (run.hostile === undefined) {
        outcomes.normal += 1;
        if (right) outcomes.normalRight += 1;
      } else {
        outcomes.hostile += 1;
        outcomes.byKind[run.hostile] = (outcomes.byKind[run.hostile] ?? 0) + 1;
        if (right) outcomes.hostileRight += 1;
      }
      if (!right) outcomes.wrong.push(`${run.task}: expected ${run.expected}, got ${answer.slice(0, 200)}`);
    }),
  );
  return outcomes;
}
