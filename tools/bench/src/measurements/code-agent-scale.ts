// Measurement 5, second part, in a process of its own per agent and level (so that peak RSS is that
// agent's alone): N concurrent runs of two steps, one tool call, on the in-process scripted model
// with MODEL_LATENCY_MS per reply — TinyCodeAgent beside ReactAgent on the same model and task.
import { tool, z } from '@tinyagent/core';
import { createScriptedModel } from '@tinyagent/testing';
import type { RecordedChatRequest, ScriptedReply } from '@tinyagent/testing';
import { MODEL_LATENCY_MS } from '../settings.ts';
import { median } from '../stats.ts';
import type { ScaleAgent, ScaleSamples, V8PoolSize } from './code-agent-scale-report.ts';

const add = tool({
  name: 'add',
  description: 'Adds two numbers.',
  parameters: z.object({ a: z.number(), b: z.number() }),
  execute: ({ a, b }) => a + b,
});

const WARMUP_RUNS = 20;
const SINGLE_RUNS = 5;
const RSS_SAMPLE_MS = 10;

function task(seed: number): { text: string; expected: string } {
  const a = (seed * 7) % 1000;
  const b = (seed * 13) % 1000;
  return { text: `Add ${a} and ${b}, then double the sum.`, expected: String((a + b) * 2) };
}

// The model reads the task and the transcript, so any number of concurrent runs can share it.
function reply(agent: ScaleAgent, request: RecordedChatRequest): ScriptedReply {
  const text = request.messages.find((message) => message.role === 'user')?.content;
  const [, a = '0', b = '0'] = /Add (\d+) and (\d+)/.exec(typeof text === 'string' ? text : '') ?? [];
  const turns = request.messages.filter((message) => message.role === 'assistant').length;
  if (agent === 'code') {
    const code = turns === 0 ? `const sum = add({ a: ${a}, b: ${b} });\nconsole.log(sum)` : 'final_answer(sum * 2)';
    return { content: `\`\`\`js\n${code}\n\`\`\``, delayMs: MODEL_LATENCY_MS };
  }
  if (turns === 0)
    return { toolCalls: [{ name: 'add', arguments: { a: Number(a), b: Number(b) } }], delayMs: MODEL_LATENCY_MS };
  const result = request.messages.findLast((message) => message.role === 'tool')?.content;
  return { content: String(Number(result) * 2), delayMs: MODEL_LATENCY_MS };
}

// Only the measured agent's package is loaded, so that the process's RSS is that agent's alone.
async function createRun(agent: ScaleAgent, calls: number): Promise<(text: string) => Promise<string>> {
  const step = (request: RecordedChatRequest): ScriptedReply => reply(agent, request);
  const chatModel = createScriptedModel(Array.from({ length: calls }, () => step));
  const created =
    agent === 'code'
      ? new (await import('@tinyagent/code-agent')).TinyCodeAgent({ tools: [add], chatModel })
      : new (await import('@tinyagent/react-agent')).ReactAgent({ tools: [add], chatModel, toolCalling: 'native' });
  return (text) => created.run(text, { maxSteps: 4 });
}

/** Measures `agent` at `concurrency` concurrent runs, in a process started with `v8PoolSize` if set. */
export async function measureCodeAgentScale(
  agent: ScaleAgent,
  concurrency: number,
  v8PoolSize: V8PoolSize,
): Promise<ScaleSamples> {
  const run = await createRun(agent, 2 * (WARMUP_RUNS + SINGLE_RUNS + concurrency));
  let wrong = 0;
  let seed = 0;
  const checked = async (): Promise<number> => {
    const { text, expected } = task((seed += 1));
    const started = performance.now();
    if ((await run(text)) !== expected) wrong += 1;
    return performance.now() - started;
  };
  // Warm-up, a few at a time, so that every pooled worker has started and the JIT has seen the path.
  for (let round = 0; round < WARMUP_RUNS / 4; round += 1)
    await Promise.all([checked(), checked(), checked(), checked()]);
  const single: number[] = [];
  for (let index = 0; index < SINGLE_RUNS; index += 1) single.push(await checked());
  globalThis.gc?.();
  const idleRssBytes = process.memoryUsage.rss();
  let peakRssBytes = idleRssBytes;
  const sampler = setInterval(() => {
    peakRssBytes = Math.max(peakRssBytes, process.memoryUsage.rss());
  }, RSS_SAMPLE_MS);
  const cpuBefore = process.cpuUsage();
  const mainCpuBefore = process.threadCpuUsage();
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, checked));
  const wallMs = performance.now() - started;
  const cpuMs = totalMs(process.cpuUsage(cpuBefore));
  const mainThreadCpuMs = totalMs(process.threadCpuUsage(mainCpuBefore));
  clearInterval(sampler);
  peakRssBytes = Math.max(peakRssBytes, process.memoryUsage.rss());
  return {
    agent,
    concurrency,
    v8PoolSize,
    singleRunMs: median(single),
    wallMs,
    idleRssBytes,
    peakRssBytes,
    cpuMs,
    mainThreadCpuMs,
    wrong,
  };
}

function totalMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}
