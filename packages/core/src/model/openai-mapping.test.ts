import { describe, expect, it } from 'vitest';
import { ModelCallError } from '../errors.ts';
import type { ChatMessage } from './chat-model.ts';
import { StreamAccumulator, fromCompletion, toWireMessages, toWireTools } from './openai-mapping.ts';

// Replies of OpenAI-compatible servers are untrusted JSON: fields of the wrong type must neither
// throw a TypeError nor pass through with their wrong type (found by the reliability suite's fuzzing).

describe('fromCompletion', () => {
  it('counts token fields that are not non-negative numbers as missing', () => {
    const reply = fromCompletion({
      choices: [{ message: { content: 'Hi' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: '12', completion_tokens: -1, total_tokens: null },
    });

    expect(reply.usage).toEqual({ inputTokens: 0, outputTokens: 0, totalTokens: 0 });
    expect(fromCompletion({ choices: [{}], usage: 'lots' }).usage).toBeUndefined();
  });

  it('reads arguments sent as a JSON object as their JSON text, and drops fields of the wrong type', () => {
    const reply = fromCompletion({
      model: 42,
      choices: [
        {
          message: {
            content: ['not', 'text'],
            tool_calls: [
              { id: 7, type: 'function', function: { name: 'add', arguments: { a: 1, b: 2 } } },
              { function: { name: null, arguments: 3 } },
            ],
          },
          finish_reason: 5,
        },
      ],
    });

    expect(reply).toEqual({
      content: null,
      toolCalls: [
        { id: '', name: 'add', arguments: '{"a":1,"b":2}' },
        { id: '', name: '', arguments: '3' },
      ],
      finishReason: 'unknown',
      usage: undefined,
      model: undefined,
    });
  });

  it('treats tool calls and choices that are not lists as none', () => {
    expect(fromCompletion({ choices: [{ message: { content: 'Hi', tool_calls: 'none' } }] }).toolCalls).toEqual([]);
    expect(() => fromCompletion({ choices: 'abc' })).toThrow(ModelCallError);
    expect(() => fromCompletion(null)).toThrow(ModelCallError);
  });
});

describe('StreamAccumulator', () => {
  it('assembles a reply from chunks whose fields have the wrong type, without throwing', () => {
    const accumulator = new StreamAccumulator();
    accumulator.add(null);
    accumulator.add({ choices: 'abc', usage: { total_tokens: '' } });
    accumulator.add({ choices: [{ delta: { content: 'Hel', tool_calls: [{ function: { name: 'add' } }] } }] });
    accumulator.add({ choices: [{ delta: { content: 'lo', tool_calls: [{ function: { arguments: { a: 1 } } }] } }] });
    accumulator.add({ choices: [{ index: '1', finish_reason: 'stop' }] });

    expect(accumulator.finish()).toEqual({
      content: 'Hello',
      toolCalls: [{ id: '', name: 'add', arguments: '{"a":1}' }],
      finishReason: 'stop',
      usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
      model: undefined,
    });
  });
});

describe('toWireMessages', () => {
  it('sends a text message of only a role and content as it is', () => {
    const user: ChatMessage = { role: 'user', content: 'Hi' };
    const answer: ChatMessage = { role: 'assistant', content: 'Hello' };

    const [sentUser, sentAnswer] = toWireMessages([user, answer]);

    expect(sentUser).toBe(user);
    expect(sentAnswer).toBe(answer);
  });

  it('copies a message with fields of its own, which never reach the wire', () => {
    const named = { role: 'user', content: 'Hi', name: 'alice' } as ChatMessage;
    const calling: ChatMessage = { role: 'assistant', content: 'Hello', toolCalls: [] };

    const [sentNamed, sentCalling] = toWireMessages([named, calling]);

    expect(sentNamed).toEqual({ role: 'user', content: 'Hi' });
    expect(sentCalling).toEqual({ role: 'assistant', content: 'Hello' });
  });
});

describe('toWireTools', () => {
  const add = { name: 'add', description: 'Adds.', parameters: { type: 'object' } };
  const wireNames = (tools: readonly (typeof add)[]): string[] =>
    (toWireTools(tools) as unknown as { function: { name: string } }[]).map((wire) => wire.function.name);

  it('converts a frozen list of frozen definitions once and reuses its wire form', () => {
    const tools = Object.freeze([Object.freeze({ ...add })]);

    expect(toWireTools(tools)).toBe(toWireTools(tools));
    expect(wireNames(tools)).toEqual(['add']);
  });

  it('converts a frozen list again when its definitions may change', () => {
    const definition = { ...add };
    const tools = Object.freeze([definition]);
    expect(wireNames(tools)).toEqual(['add']);

    definition.name = 'renamed';

    expect(wireNames(tools)).toEqual(['renamed']);
  });

  it('converts a list that is not frozen on every call, so changes to it are sent', () => {
    const tools = [add];
    expect(wireNames(tools)).toEqual(['add']);

    tools.push({ ...add, name: 'add_again' });

    expect(wireNames(tools)).toEqual(['add', 'add_again']);
  });
});
