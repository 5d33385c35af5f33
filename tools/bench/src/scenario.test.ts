import type { ChatCompletionBody, FakeResponse } from '@tinyagent/testing';
import { describe, expect, it } from 'vitest';
import { TOOL_TURNS, checkAnswer, createAddTask, createHistory, createParallelTask, decideReply } from './scenario.ts';

type Message = ChatCompletionBody['messages'][number];
const nativeTools = [{ type: 'function', function: { name: 'add' } }];

function body(messages: Message[], native: boolean, model = 'bench-latency-0'): ChatCompletionBody {
  return { model, messages, ...(native ? { tools: nativeTools } : {}) };
}

function reply(response: FakeResponse): {
  content?: string | null;
  toolCalls?: readonly { name: string; arguments?: unknown }[];
  delayMs?: number;
} {
  if (typeof response !== 'object' || 'status' in response || 'fault' in response) throw new Error('not a reply');
  return response;
}

describe('checkAnswer', () => {
  it('accepts the expected number anywhere in the text, as a whole number', () => {
    expect(checkAnswer('The sum is 36.', 36)).toBe(true);
    expect(checkAnswer('36', 36)).toBe(true);
    expect(checkAnswer('The sum is 136.', 36)).toBe(false);
    expect(checkAnswer('The sum is 36.5.', 36)).toBe(false);
    expect(checkAnswer(undefined, 36)).toBe(false);
  });
});

describe('the fake model', () => {
  it('plays the sequential scenario natively: K add calls, each on the previous result, then the sum', () => {
    const task = createAddTask(3);
    const messages: Message[] = [
      { role: 'system', content: 'x' },
      { role: 'user', content: task.text },
    ];
    let running = 0;
    for (let turn = 0; turn < TOOL_TURNS; turn += 1) {
      const [call] = reply(decideReply(body(messages, true))).toolCalls ?? [];
      expect(call?.name).toBe('add');
      const { a, b } = call?.arguments as { a: number; b: number };
      if (turn > 0) expect(a).toBe(running);
      running = a + b;
      messages.push({ role: 'assistant', content: null }, { role: 'tool', content: String(running) });
    }
    const answer = reply(decideReply(body(messages, true))).content;
    expect(running).toBe(task.expected);
    expect(checkAnswer(answer, task.expected)).toBe(true);
  });

  it('answers in the JSON protocol when the request offers no tools, reading Observation messages', () => {
    const task = createAddTask(5);
    const messages: Message[] = [{ role: 'user', content: task.text }];
    for (let turn = 0; turn < TOOL_TURNS; turn += 1) {
      const action = JSON.parse(reply(decideReply(body(messages, false))).content ?? '') as {
        tool: string;
        arguments: { a: number; b: number };
      };
      expect(action.tool).toBe('add');
      messages.push({ role: 'user', content: `Observation: ${action.arguments.a + action.arguments.b}` });
    }
    const final = JSON.parse(reply(decideReply(body(messages, false))).content ?? '') as { answer: string };
    expect(checkAnswer(final.answer, task.expected)).toBe(true);
  });

  it('gives a wrong answer when a tool result is garbled, so the run is caught', () => {
    const task = createAddTask(1);
    const messages: Message[] = [{ role: 'user', content: task.text }];
    for (let turn = 0; turn < TOOL_TURNS; turn += 1) messages.push({ role: 'tool', content: 'oops' });
    expect(checkAnswer(reply(decideReply(body(messages, true))).content, task.expected)).toBe(false);
  });

  it('plays the parallel scenario: all calls in one reply, then the total of their results', () => {
    const task = createParallelTask(2);
    const messages: Message[] = [{ role: 'user', content: task.text }];
    const calls = reply(decideReply(body(messages, true))).toolCalls ?? [];
    expect(calls.map((call) => call.name)).toEqual(['slow_add', 'slow_add', 'slow_add', 'slow_add']);
    for (const call of calls) {
      const { a, b } = call.arguments as { a: number; b: number };
      messages.push({ role: 'tool', content: String(a + b) });
    }
    expect(checkAnswer(reply(decideReply(body(messages, true))).content, task.expected)).toBe(true);
  });

  it('finds the task after an earlier conversation and plays it as if the task came first', () => {
    const task = createAddTask(4);
    const messages: Message[] = [
      { role: 'system', content: 'x' },
      ...createHistory(18),
      { role: 'user', content: task.text },
    ];
    const [call] = reply(decideReply(body(messages, true))).toolCalls ?? [];
    expect(call?.arguments).toEqual(reply(decideReply(body(messages.slice(-1), true))).toolCalls?.[0]?.arguments);
    expect(createHistory(18).map((message) => message.role)).toEqual(
      Array.from({ length: 18 }, (_, index) => (index % 2 === 0 ? 'user' : 'assistant')),
    );
  });

  it('waits as long as the model name asks', () => {
    const messages: Message[] = [{ role: 'user', content: createAddTask(1).text }];
    expect(reply(decideReply(body(messages, true, 'bench-latency-50'))).delayMs).toBe(50);
  });
});
