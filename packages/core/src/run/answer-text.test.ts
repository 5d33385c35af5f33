import { describe, expect, it } from 'vitest';
import type { AgentEvent } from './agent-events.ts';
import { answerText } from './answer-text.ts';
import { ConfigurationError, ModelCallError, RunAbortedError } from '../errors.ts';
import type { ChatModel } from '../model/chat-model.ts';
import type { RunResult } from './run-result.ts';
import { createScriptedModel } from '../testing/scripted-model.ts';
import { collectEvents, createTestAgent, createToolProtocol, multiply } from './test-fixtures.ts';

const TASK = 'What is 6 × 7?';

// The test protocol with answer-delta as ReactAgent's native protocol reports it.
function streamingAgent(model: ChatModel) {
  return createTestAgent(model, { protocol: createToolProtocol([multiply], { streamAnswer: true }) });
}

async function collect(values: AsyncIterable<string>): Promise<string[]> {
  const seen: string[] = [];
  for await (const value of values) seen.push(value);
  return seen;
}

async function* replay(events: AgentEvent[]): AsyncGenerator<AgentEvent> {
  for (const event of events) yield await Promise.resolve(event);
}

function runEnd(events: readonly AgentEvent[]): RunResult {
  const last = events.at(-1);
  if (last?.type !== 'run-end') throw new Error('The run did not end.');
  return last.result;
}

describe('answerText', () => {
  it('yields the answer so far as it streams, the last value being the run output', async () => {
    const model = createScriptedModel(['The product is 42.'], { chunkSize: 4 });
    const { events, onEvent } = collectEvents();

    const values = await collect(answerText(streamingAgent(model).stream(TASK, { deltas: true, onEvent })));

    expect(values.length).toBeGreaterThan(2);
    expect(values[0]).toBe('The ');
    expect(values.at(-1)).toBe(runEnd(events).output);
    expect(values.at(-1)).toBe('The product is 42.');
  });

  it('drops a tool turn’s preamble with an empty value, then streams the answer', async () => {
    const model = createScriptedModel(
      [{ content: 'Let me multiply. ', toolCalls: [{ name: 'multiply', arguments: { a: 6, b: 7 } }] }, 'It is 42.'],
      { chunkSize: 5 },
    );

    const values = await collect(answerText(streamingAgent(model).stream(TASK, { deltas: true })));

    const cleared = values.indexOf('');
    expect(values.slice(0, cleared).at(-1)).toBe('Let me multiply. ');
    expect(values.slice(cleared + 1).every((value) => 'It is 42.'.startsWith(value))).toBe(true);
    expect(values.at(-1)).toBe('It is 42.');
  });

  it('drops the text of an attempt that is retried, and ends with the retried reply', async () => {
    const scripted = createScriptedModel(['It is raining.']);
    const retrying: ChatModel = {
      modelName: 'flaky-model',
      complete: async (request) => {
        await request.onDelta?.({ type: 'text', attempt: 1, text: 'It is sun' });
        request.onRetry?.({ attempt: 1, delayMs: 0, reason: 'the stream broke off', status: undefined });
        await request.onDelta?.({ type: 'text', attempt: 2, text: 'It is raining.' });
        return scripted.complete({ ...request, onDelta: undefined });
      },
    };

    const values = await collect(answerText(streamingAgent(retrying).stream(TASK, { deltas: true })));

    expect(values).toEqual(['It is sun', '', 'It is raining.']);
  });

  it('gives the whole answer once when nothing streams', async () => {
    const model = createScriptedModel(['42']);

    // The test protocol reports no answer-delta; nor does a run without deltas.
    expect(await collect(answerText(createTestAgent(model).stream(TASK, { deltas: true })))).toEqual(['42']);
    expect(await collect(answerText(streamingAgent(createScriptedModel(['42'])).stream(TASK)))).toEqual(['42']);
  });

  it('ends with the answer as the run gives it: trimmed, where the pieces were raw', async () => {
    const model = createScriptedModel(['  42\n'], { chunkSize: 2 });
    const { events, onEvent } = collectEvents();

    const values = await collect(answerText(streamingAgent(model).stream(TASK, { deltas: true, onEvent })));

    expect(values.at(-1)).toBe(runEnd(events).output);
  });

  it('throws the run’s error when the run ends without an answer', async () => {
    const model = createScriptedModel([
      { error: new ModelCallError('The server said no.', { status: 400, retryable: false }) },
    ]);
    const { events, onEvent } = collectEvents();

    const reading = collect(answerText(streamingAgent(model).stream(TASK, { deltas: true, onEvent })));

    await expect(reading).rejects.toThrow('The server said no.');
    const error = await reading.catch((thrown: unknown) => thrown);
    expect(error).toBe(runEnd(events).error);
  });

  it('aborts the run when the reader stops early', async () => {
    const model = createScriptedModel(['z'.repeat(10_000)], { chunkSize: 1, chunkDelayMs: 1 });
    const { events, onEvent } = collectEvents();

    for await (const value of answerText(streamingAgent(model).stream(TASK, { deltas: true, onEvent }))) {
      if (value.length === 3) break;
    }

    expect(runEnd(events).state).toBe('aborted');
    expect(RunAbortedError.isInstance(runEnd(events).error)).toBe(true);
  });

  it('aborts the run at once when closed while it waits for the next event', async () => {
    let started!: () => void;
    const waiting = new Promise<void>((resolve) => (started = resolve));
    // Answers only when aborted: a model call that would otherwise hold the run for good.
    const stuck: ChatModel = {
      modelName: 'stuck-model',
      complete: (request) =>
        new Promise((_resolve, reject) => {
          started();
          request.signal?.addEventListener('abort', () => reject(request.signal?.reason as Error));
        }),
    };
    const { events, onEvent } = collectEvents();
    const iterator = answerText(streamingAgent(stuck).stream(TASK, { deltas: true, onEvent }))[Symbol.asyncIterator]();

    const pending = iterator.next();
    await waiting;
    await iterator.return?.();

    await expect(pending).resolves.toEqual({ done: true, value: undefined });
    expect(runEnd(events).state).toBe('aborted');
  });

  it('skips the events of an agent called as a tool', async () => {
    const envelope = { runId: 'lead', step: 1 };
    const result = (output: string): RunResult => ({
      output,
      finalAnswer: { value: output, source: 'normal', timestamp: new Date(), metadata: {} },
      state: 'completed',
      stepsTaken: 1,
      durationMs: 1,
      usage: { requests: 1, requestsWithoutUsage: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0 },
      messages: [],
      steps: [],
      metadata: {},
    });
    const events = replay([
      { ...envelope, seq: 1, type: 'answer-delta', attempt: 1, text: 'Asking.' },
      { runId: 'math', step: 1, seq: 1, parentRunId: 'lead', type: 'run-end', result: result('42') },
      { ...envelope, seq: 2, type: 'run-end', result: result('Six times seven is 42.') },
    ]);

    expect(await collect(answerText(events))).toEqual(['Asking.', 'Six times seven is 42.']);
  });

  it('refuses what is not a run’s events, and events that end without run-end', async () => {
    expect(() => answerText(Promise.resolve('42') as never)).toThrow(ConfigurationError);
    expect(() => answerText('What is 6 × 7?' as never)).toThrow(/pass agent\.stream\(task\)/);
    await expect(collect(answerText(replay([])))).rejects.toThrow(/ended without run-end/);
  });
});
