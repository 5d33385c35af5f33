import { registerSecret } from '@tinyagent/core';
import type { AgentEvent } from '@tinyagent/core';
import { createScriptedModel } from '@tinyagent/testing';
import { describe, expect, it } from 'vitest';
import { ReactAgent } from './react-agent.ts';
import { add, createAgent, fastRetryingModel, getWeather, recordEvents, reply, startServer } from './test-fixtures.ts';

// Token streaming (run option `deltas`) end to end: the real openai SDK against the fake server,
// streaming in small chunks over loopback, and the native protocol's answer-delta.

function joined(events: readonly AgentEvent[], type: 'text-delta' | 'answer-delta', step?: number): string {
  return events
    .filter((event) => event.type === type && (step === undefined || event.step === step))
    .map((event) => (event.type === 'text-delta' || event.type === 'answer-delta' ? event.text : ''))
    .join('');
}

describe('ReactAgent with deltas', () => {
  it('streams the native answer as text-delta and answer-delta, and a tool turn as tool-call-delta', async () => {
    const server = await startServer({
      script: [{ toolCalls: [{ name: 'add', arguments: { a: 2, b: 3 } }] }, 'The sum is 5.'],
      chunkSize: 2,
    });
    const { events, onEvent } = recordEvents();

    const answer = await createAgent(server, { toolCalling: 'native' }).run('Add 2 and 3.', { deltas: true, onEvent });

    expect(answer).toBe('The sum is 5.');
    expect(server.requests.every((request) => request.body.stream === true)).toBe(true);
    const calls = events.filter((event) => event.type === 'tool-call-delta');
    expect(calls[0]).toMatchObject({ step: 1, attempt: 1, index: 0, id: 'call_1', name: 'add' });
    expect(joined(events, 'text-delta', 2)).toBe('The sum is 5.');
    expect(joined(events, 'answer-delta', 2)).toBe('The sum is 5.');
    expect(joined(events, 'answer-delta', 1)).toBe('');
  });

  it('stops answer-delta at the first tool call of a turn: the text before it was no answer', async () => {
    const model = createScriptedModel(
      [{ content: 'Let me add. ', toolCalls: [{ name: 'add', arguments: { a: 1, b: 1 } }] }, 'It is 2.'],
      { chunkSize: 4 },
    );
    // The scripted model streams a turn's text before its tool calls, as providers do.
    const agent = new ReactAgent({ tools: [add], chatModel: model, toolCalling: 'native' });
    const { events, onEvent } = recordEvents();

    await agent.run('Add 1 and 1.', { deltas: true, onEvent });

    expect(joined(events, 'text-delta', 1)).toBe('Let me add. ');
    // Sent before the tool call was known: the step's model-response, with tool calls, says it was no answer.
    expect(joined(events, 'answer-delta', 1)).toBe('Let me add. ');
    const responses = events.filter((event) => event.type === 'model-response');
    expect(responses[0]?.type === 'model-response' && responses[0].toolCalls.length).toBe(1);
    expect(joined(events, 'answer-delta', 2)).toBe('It is 2.');
  });

  it('gives the JSON protocol answer-delta: the answer string decoded as it streams, never the JSON', async () => {
    const answer = 'Sunny, "warm" \\ 22 °C\nand dry.';
    const script = [reply({ tool: 'get_weather', arguments: { city: 'Paris' } }), reply({ answer })];
    const server = await startServer({ script, chunkSize: 3 });
    const { events, onEvent } = recordEvents();

    const output = await createAgent(server).run('Weather?', { deltas: true, onEvent });

    expect(output).toBe(answer);
    expect(joined(events, 'text-delta', 2)).toBe(reply({ answer }));
    // The tool turn streams no answer; the answer turn streams it in pieces, escapes decoded.
    expect(joined(events, 'answer-delta', 1)).toBe('');
    expect(joined(events, 'answer-delta', 2)).toBe(answer);
    expect(events.filter((event) => event.type === 'answer-delta').length).toBeGreaterThan(3);
  });

  it('reports a retry of a call that broke off mid-stream, and streams the new attempt apart', async () => {
    const server = await startServer({
      script: [{ streamError: { message: 'Upstream overloaded', code: 503 }, content: 'It is sun' }, 'It is raining.'],
      chunkSize: 3,
    });
    const chatModel = fastRetryingModel(server);
    const { events, onEvent } = recordEvents();

    await createAgent(server, { toolCalling: 'native', chatModel }).run('Weather?', { deltas: true, onEvent });

    const types = events.map((event) => event.type);
    const retry = types.indexOf('model-retry');
    const attempts = (from: number, to?: number): number[] =>
      events.slice(from, to).flatMap((event) => (event.type === 'text-delta' ? [event.attempt] : []));
    expect(retry).toBeGreaterThan(0);
    expect(new Set(attempts(0, retry))).toEqual(new Set([1]));
    expect(new Set(attempts(retry))).toEqual(new Set([2]));
    expect(joined(events.slice(retry), 'text-delta')).toBe('It is raining.');
    expect(events.at(-2)).toMatchObject({ type: 'final-answer' });
  });

  it('never streams a key the server echoes split across chunks, whatever the chunk size', async () => {
    const key = 'sk-streamed-key-0123456789';
    registerSecret(key);
    const text = `Your key is ${key}, keep it.`;
    for (let chunkSize = 1; chunkSize <= 12; chunkSize += 1) {
      const server = await startServer({ script: [text], chunkSize });
      const { events, onEvent } = recordEvents();

      await createAgent(server, { toolCalling: 'native', tools: [getWeather] }).run('Key?', { deltas: true, onEvent });

      const pieces = events.flatMap((event) =>
        event.type === 'text-delta' || event.type === 'answer-delta' ? [event.text] : [],
      );
      expect(pieces.some((piece) => piece.includes('sk-streamed') || piece.includes('0123456789'))).toBe(false);
      expect(joined(events, 'text-delta')).toBe('Your key is [redacted], keep it.');
    }
  });

  it('streams through agent.stream with paced chunks, ending with run-end', async () => {
    const server = await startServer({ script: ['One, two, three.'], chunkSize: 4, chunkDelayMs: 1 });
    const agent = createAgent(server, { toolCalling: 'native' });
    const types: string[] = [];

    for await (const event of agent.stream('Count.', { deltas: true })) types.push(event.type);

    expect(types.filter((type) => type === 'text-delta')).toHaveLength(4);
    expect(types.at(-1)).toBe('run-end');
  });
});
