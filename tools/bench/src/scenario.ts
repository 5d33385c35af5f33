// The benchmark's scenario, both sides of it: the tasks the contestants are given, and how the fake
// model answers them. The model is stateless: it reads the task and the tool results already in the
// transcript and decides the next reply from them alone, so any number of concurrent runs can share
// one server, and a contestant that loses or garbles a tool result ends with a wrong answer.
import type { ChatCompletionBody, FakeResponse } from '@tinyagent/testing';

/** Tool-calling turns of the sequential scenario (K); the model answers on turn K + 1. */
export const TOOL_TURNS = 4;

/** Tool calls the model makes at once in the parallel scenario. */
export const PARALLEL_CALLS = 4;

/** How long the parallel scenario's tool waits before it answers. */
export const SLOW_TOOL_MS = 100;

/** A task given to a contestant, with the answer it must come back with. */
export interface BenchTask {
  text: string;
  expected: number;
}

const SEQUENTIAL_PREFIX = 'Add these numbers one at a time with the add tool: ';
const PARALLEL_PREFIX = 'Add each of these pairs with the slow_add tool, all at once, then give the total: ';

/**
 * The sequential scenario: TOOL_TURNS + 1 numbers, added one call at a time (each call needs the
 * previous result), then the sum. `seed` makes every run's numbers different.
 */
export function createAddTask(seed: number): BenchTask {
  const numbers = Array.from({ length: TOOL_TURNS + 1 }, (_, index) => ((seed * 7 + index * 13) % 97) + 1);
  return { text: `${SEQUENTIAL_PREFIX}${numbers.join(', ')}.`, expected: numbers.reduce((sum, n) => sum + n, 0) };
}

/** The parallel scenario: PARALLEL_CALLS pairs, added by concurrent calls of one turn, then the total. */
export function createParallelTask(seed: number): BenchTask {
  const pairs = Array.from({ length: PARALLEL_CALLS }, (_, index) => [seed + index, index * 10 + 1] as const);
  const text = `${PARALLEL_PREFIX}${pairs.map(([a, b]) => `${a}+${b}`).join(', ')}.`;
  return { text, expected: pairs.reduce((sum, [a, b]) => sum + a + b, 0) };
}

/** A message of an earlier conversation, as the `history` option of a run takes it. */
export interface HistoryMessage {
  role: 'user' | 'assistant';
  content: string;
}

/**
 * An earlier conversation of `length` messages (user and assistant by turns, user first), as a run
 * that continues a chat starts with: plain text, no tool calls, so the model's plan is unchanged.
 */
export function createHistory(length: number): HistoryMessage[] {
  return Array.from({ length }, (_, index): HistoryMessage => {
    const turn = index >> 1;
    return index % 2 === 0
      ? { role: 'user', content: `Earlier question ${turn}: what did the report of week ${turn + 1} say about sales?` }
      : {
          role: 'assistant',
          content:
            `The report of week ${turn + 1} says sales grew by ${turn + 2} % over the week before, mostly in the ` +
            'north region, while returns stayed flat; it recommends keeping stock levels as they are for now.',
        };
  });
}

/** True when `answer` states `expected` as a whole number (not as part of a longer one). */
export function checkAnswer(answer: unknown, expected: number): boolean {
  if (typeof answer !== 'string') return false;
  return new RegExp(`(^|[^\\d.])${expected}(?![\\d]|\\.\\d)`).test(answer);
}

/** The model name a contestant sends to ask the fake model for `latencyMs` of delay per reply. */
export function modelForLatency(latencyMs: number): string {
  return `bench-latency-${latencyMs}`;
}

interface ToolCallPlan {
  name: string;
  arguments: Record<string, number>;
}

/**
 * The fake model: the reply to one chat request of either scenario. Requests with function tools
 * get native tool calls; requests without get the JSON protocol of TinyAgent's ReactAgent.
 */
export function decideReply(body: ChatCompletionBody): FakeResponse {
  const delayMs = Number(/latency-(\d+)/.exec(body.model)?.[1] ?? 0);
  const native = Array.isArray(body.tools) && body.tools.length > 0;
  const taskText = findTask(body.messages);
  const results = toolResults(body, native);
  const plan = taskText.startsWith(PARALLEL_PREFIX)
    ? planParallel(taskText.slice(PARALLEL_PREFIX.length), results)
    : planSequential(taskText.slice(SEQUENTIAL_PREFIX.length), results);
  if (typeof plan === 'string') {
    return native ? { content: plan, delayMs } : { content: JSON.stringify({ answer: plan }), delayMs };
  }
  if (native) {
    const toolCalls = plan.map((call, index) => ({ ...call, id: `call_${results.length}_${index}` }));
    return { content: null, toolCalls, delayMs };
  }
  // The JSON protocol carries one tool call per reply.
  const [first] = plan;
  return { content: JSON.stringify({ scratchpad: 'Adding the next number.', ...jsonToolCall(first) }), delayMs };
}

// The task is the last user message that states one; earlier turns of a conversation (the `history`
// a run starts with) come before it and hold no tool results of this task.
function findTask(messages: ChatCompletionBody['messages']): string {
  for (let index = messages.length - 1; index >= 0; index -= 1) {
    const message = messages[index];
    const content = message?.role === 'user' ? textOf(message.content) : '';
    if (content.startsWith(SEQUENTIAL_PREFIX) || content.startsWith(PARALLEL_PREFIX)) return content;
  }
  return '';
}

function jsonToolCall(call: ToolCallPlan | undefined): Record<string, unknown> {
  return call === undefined ? {} : { tool: call.name, arguments: call.arguments };
}

// The tool results so far, oldest first: `tool` messages natively, `Observation:` user messages in JSON.
function toolResults(body: ChatCompletionBody, native: boolean): string[] {
  const results: string[] = [];
  for (const message of body.messages) {
    const content = textOf(message.content);
    if (native && message.role === 'tool') results.push(content);
    if (!native && message.role === 'user' && content.startsWith('Observation: ')) {
      results.push(content.slice('Observation: '.length));
    }
  }
  return results;
}

// Peers send tool results either as a string or as text parts.
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part: unknown) => (part as { text?: unknown }).text).join('');
}

function planSequential(list: string, results: readonly string[]): ToolCallPlan[] | string {
  const numbers = parseNumbers(list);
  const last = results.at(-1);
  if (results.length >= numbers.length - 1) return `The sum is ${readNumber(last)}.`;
  const a = last === undefined ? numbers[0] : readNumber(last);
  const b = numbers[results.length + 1];
  if (a === undefined || b === undefined || Number.isNaN(a)) return 'I could not read the tool result.';
  return [{ name: 'add', arguments: { a, b } }];
}

function planParallel(list: string, results: readonly string[]): ToolCallPlan[] | string {
  if (results.length > 0) return `The total is ${results.reduce((sum, result) => sum + readNumber(result), 0)}.`;
  return list
    .split(',')
    .map((pair) => parseNumbers(pair))
    .map(([a = 0, b = 0]) => ({ name: 'slow_add', arguments: { a, b } }));
}

function parseNumbers(text: string): number[] {
  return (text.match(/-?\d+/g) ?? []).map(Number);
}

// The first number in a tool result, however the contestant wrapped it (`7`, `"7"`, `{"result":7}`).
function readNumber(text: string | undefined): number {
  const match = /-?\d+(\.\d+)?/.exec(text ?? '');
  return match === null ? Number.NaN : Number(match[0]);
}
