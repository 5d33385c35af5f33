import { describe, expect, it } from 'vitest';
import { checkChatResponse } from './chat-response-check.ts';
import { ModelCallError } from '../errors.ts';

// A custom ChatModel's reply of the wrong shape used to surface as a TypeError inside the agent loop
// (`Cannot read properties of undefined (reading 'trim')`); found by the reliability suite's fuzzing.

describe('checkChatResponse', () => {
  it('passes a well-formed reply through and fills in the fields left out', () => {
    const usage = { inputTokens: 1, outputTokens: 2, totalTokens: 3 };
    const reply = { content: 'Hi', toolCalls: [], finishReason: 'stop', usage, model: 'm' } as const;

    expect(checkChatResponse(reply, 'my-model')).toEqual(reply);
    expect(checkChatResponse({ content: 'Hi' }, 'my-model')).toEqual({
      content: 'Hi',
      toolCalls: [],
      finishReason: 'unknown',
      usage: undefined,
      model: undefined,
    });
  });

  it.each([
    [[], 'the reply is a list'],
    [{ content: 42 }, 'content is number 42, not text or null'],
    [{ toolCalls: 'add' }, 'toolCalls is the text "add", not a list'],
    [{ toolCalls: [{ id: 'c1', name: 'add', arguments: { a: 1 } }] }, 'toolCalls[0] has arguments that are an object'],
    [{ finishReason: 'done' }, 'finishReason is the text "done", not one of stop, length'],
    [{ usage: { inputTokens: '3', outputTokens: 1, totalTokens: 4 } }, 'usage.inputTokens is the text "3"'],
  ])('refuses %j with a ModelCallError naming the model and the field', (reply, problem) => {
    const check = (): unknown => checkChatResponse(reply, 'my-model');

    expect(check).toThrow(ModelCallError);
    expect(check).toThrow(`The chat model 'my-model' returned a reply that is not a ChatResponse: ${problem}`);
  });
});
