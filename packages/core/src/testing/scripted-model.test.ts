import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../model/chat-model.ts';
import { createScriptedModel } from './scripted-model.ts';

const ask = (content: string): ChatRequest => ({ messages: [{ role: 'user', content }] });

describe('createScriptedModel', () => {
  it('answers each call with the next step of the script', async () => {
    const model = createScriptedModel(['first', { content: 'second' }]);

    const one = await model.complete(ask('a'));
    const two = await model.complete(ask('b'));

    expect(one.content).toBe('first');
    expect(two.content).toBe('second');
    expect(one.finishReason).toBe('stop');
    expect(model.remaining).toBe(0);
  });

  it('replays tool calls with JSON-encoded arguments and numbered ids', async () => {
    const model = createScriptedModel([
      {
        toolCalls: [
          { name: 'add', arguments: { a: 1, b: 2 } },
          { name: 'echo', arguments: '{"raw": true' },
        ],
      },
    ]);

    const reply = await model.complete(ask('add'));

    expect(reply.content).toBeNull();
    expect(reply.finishReason).toBe('tool_calls');
    expect(reply.toolCalls).toEqual([
      { id: 'call_1', name: 'add', arguments: '{"a":1,"b":2}' },
      { id: 'call_2', name: 'echo', arguments: '{"raw": true' },
    ]);
  });

  it('records every request with a snapshot of its messages', async () => {
    const model = createScriptedModel(['ok', 'ok']);
    const messages: ChatRequest['messages'][number][] = [{ role: 'user', content: 'hello' }];

    await model.complete({ messages, temperature: 0.3, signal: new AbortController().signal });
    messages.push({ role: 'assistant', content: 'later' });
    await model.complete({ messages });

    expect(model.requests).toHaveLength(2);
    expect(model.requests[0]!.messages).toEqual([{ role: 'user', content: 'hello' }]);
    expect(model.requests[0]!.temperature).toBe(0.3);
    expect(model.requests[0]!.hadSignal).toBe(true);
    expect(model.requests[1]!.messages).toHaveLength(2);
  });

  it('fails a call past the end of the script, saying how long the script is', async () => {
    const model = createScriptedModel(['only']);
    await model.complete(ask('a'));

    await expect(model.complete(ask('b'))).rejects.toThrow(/no step for call #2: the script has 1/);
  });

  it('rejects with a scripted error', async () => {
    const failure = new Error('scripted outage');
    const model = createScriptedModel([{ error: failure }]);

    await expect(model.complete(ask('a'))).rejects.toBe(failure);
  });

  it('lets a step be a function of the request', async () => {
    const model = createScriptedModel([(request, index) => `echo ${String(request.messages[0]?.content)} #${index}`]);

    const reply = await model.complete(ask('ping'));

    expect(reply.content).toBe('echo ping #0');
  });

  it('reports an estimated usage unless the step says the usage is unknown', async () => {
    const model = createScriptedModel(['counted', { content: 'uncounted', usage: null }]);

    const counted = await model.complete(ask('a'));
    const uncounted = await model.complete(ask('b'));

    expect(counted.usage?.totalTokens).toBeGreaterThan(0);
    expect(uncounted.usage).toBeUndefined();
  });

  it('rejects with the abort reason when aborted during a delayed reply', async () => {
    const model = createScriptedModel([{ content: 'too late', delayMs: 60_000 }]);
    const controller = new AbortController();

    const pending = model.complete({ ...ask('a'), signal: controller.signal });
    controller.abort(new Error('user cancelled'));

    await expect(pending).rejects.toThrow('user cancelled');
  });

  it('rejects at once when the signal is already aborted', async () => {
    const model = createScriptedModel(['unused']);

    await expect(model.complete({ ...ask('a'), signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(model.requests).toHaveLength(1);
  });
});
