import { describe, expect, it } from 'vitest';
import type { ChatRequest, ModelDelta } from '../model/chat-model.ts';
import { ConfigurationError } from '../errors.ts';
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

  it.each([
    ['a misspelt field', [{ contnet: 'Paris' }], /step 0: unknown option 'contnet'\. Did you mean 'content'\?/],
    [
      'a fake-server answer',
      ['ok', { status: 503 }],
      /step 1: unknown option 'status'\. The scripted model fails a call/,
    ],
    ['an error that is no Error', [{ error: 'down' }], /step 0: error must be an Error/],
    ['a tool call without a name', [{ toolCalls: [{ arguments: {} }] }], /toolCalls\[0\] needs a name/],
    [
      'a misspelt tool call field',
      [{ toolCalls: [{ name: 'add', args: {} }] }],
      /toolCalls\[0\]: unknown option 'args'/,
    ],
    ['a script that is one string', 'Paris', /needs an array of steps/],
  ])('refuses %s when it is made, naming the step', (_case, steps, message) => {
    expect(() => createScriptedModel(steps as never)).toThrow(ConfigurationError);
    expect(() => createScriptedModel(steps as never)).toThrow(message);
  });

  it("checks a function step's answer when the call is made", async () => {
    const model = createScriptedModel([() => ({ contnet: 'Paris' }) as never]);
    await expect(model.complete({ messages: [{ role: 'user', content: 'Capital?' }] })).rejects.toThrow(
      /step 0: unknown option 'contnet'/,
    );
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

  it('streams a reply to onDelta in pieces of chunkSize: reasoning, text, then each tool call', async () => {
    const model = createScriptedModel(
      [{ reasoning: 'think', content: 'Adding now', toolCalls: [{ name: 'add', arguments: { a: 1 } }] }],
      { chunkSize: 4 },
    );
    const deltas: ModelDelta[] = [];

    const reply = await model.complete({ ...ask('add'), onDelta: (delta) => void deltas.push(delta) });

    expect(deltas).toEqual([
      { type: 'reasoning', attempt: 1, text: 'thin' },
      { type: 'reasoning', attempt: 1, text: 'k' },
      { type: 'text', attempt: 1, text: 'Addi' },
      { type: 'text', attempt: 1, text: 'ng n' },
      { type: 'text', attempt: 1, text: 'ow' },
      { type: 'tool-call', attempt: 1, index: 0, id: 'call_1', name: 'add', arguments: '' },
      { type: 'tool-call', attempt: 1, index: 0, arguments: '{"a"' },
      { type: 'tool-call', attempt: 1, index: 0, arguments: ':1}' },
    ]);
    expect(reply.content).toBe('Adding now');
    expect(model.requests[0]!.streamed).toBe(true);
  });

  it('waits for the promise onDelta returns before sending the next piece', async () => {
    const model = createScriptedModel(['abc'], { chunkSize: 1 });
    const seen: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));

    const call = model.complete({
      ...ask('go'),
      onDelta: (delta) => {
        if (delta.type === 'text') seen.push(delta.text);
        return seen.length === 1 ? held : undefined;
      },
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual(['a']);
    release();

    await call;
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('stops streaming at an abort, with the abort reason', async () => {
    const model = createScriptedModel(['a'.repeat(100)], { chunkSize: 1, chunkDelayMs: 1 });
    const controller = new AbortController();
    let count = 0;

    const call = model.complete({
      ...ask('go'),
      signal: controller.signal,
      onDelta: () => {
        count += 1;
        if (count === 3) controller.abort(new Error('stop'));
      },
    });

    await expect(call).rejects.toThrow('stop');
    expect(count).toBe(3);
  });

  it('refuses options it would stream wrongly or not know, saying which', () => {
    const refused = (options: object): unknown => {
      try {
        createScriptedModel(['hi'], options);
      } catch (error) {
        return error;
      }
      return undefined;
    };
    const nan = refused({ chunkSize: Number.NaN });
    expect(ConfigurationError.isInstance(nan)).toBe(true);
    expect((nan as Error).message).toBe(
      'createScriptedModel: chunkSize must be a whole number of characters from 1; got NaN.',
    );
    expect((refused({ chunkSize: 2.5 }) as Error).message).toContain('chunkSize must be a whole number');
    expect((refused({ chunkDelayMs: -1 }) as Error).message).toContain('chunkDelayMs must be a number of milliseconds');
    expect((refused({ modelName: '' }) as Error).message).toContain('modelName must be a non-empty string');
    expect((refused({ chunksize: 4 }) as Error).message).toMatch(
      /unknown option 'chunksize'\. Did you mean 'chunkSize'\?/,
    );
    expect(refused({ chunkSize: 1, chunkDelayMs: 0, modelName: 'm' })).toBeUndefined();
  });
});
