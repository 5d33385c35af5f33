import { describe, expect, it } from 'vitest';
import { ModelCallError } from './errors.ts';
import { StreamAccumulator, fromCompletion } from './openai-mapping.ts';

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
