import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AgentEvent } from './agent-events.ts';
import type { AgentProtocol } from './agent-protocol.ts';
import type { ChatModel, ChatRequest, ChatResponse, ModelDelta } from '../model/chat-model.ts';
import { setLogger } from '../logger.ts';
import { createScriptedModel } from '../testing/scripted-model.ts';
import {
  captureWarnings,
  collectEvents,
  createTestAgent,
  createToolProtocol,
  eventsOfType,
  multiply,
} from './test-fixtures.ts';

const TASK = 'What is six times seven?';
const KEY = 'sk-delta-secret-0123456789';

afterEach(() => {
  vi.unstubAllEnvs();
  setLogger(undefined);
});

const DELTA_TYPES = new Set(['text-delta', 'reasoning-delta', 'tool-call-delta', 'answer-delta']);

function textOf(events: readonly AgentEvent[], type: 'text-delta' | 'reasoning-delta' | 'answer-delta'): string {
  return eventsOfType(events, type)
    .map((event) => event.text)
    .join('');
}

// A model that calls onDelta with the given deltas, then replies `reply`.
function deltaModel(deltas: readonly ModelDelta[], reply: Partial<ChatResponse> = {}): ChatModel {
  return {
    modelName: 'delta-model',
    complete: (request: ChatRequest) => {
      for (const delta of deltas) void request.onDelta?.(delta);
      return Promise.resolve({
        content: 'done',
        toolCalls: [],
        finishReason: 'stop',
        usage: undefined,
        model: undefined,
        ...reply,
      });
    },
  };
}

describe('delta events', () => {
  it('streams text, reasoning and tool-call pieces between model-request and model-response, with step and attempt', async () => {
    const model = createScriptedModel(
      [{ reasoning: 'Multiply.', toolCalls: [{ name: 'multiply', arguments: { a: 6, b: 7 } }] }, 'It is 42.'],
      { chunkSize: 3 },
    );
    const { events, onEvent } = collectEvents();

    await createTestAgent(model).run(TASK, { deltas: true, onEvent });

    const types = events.map((event) => event.type);
    const firstDelta = types.findIndex((type) => DELTA_TYPES.has(type));
    expect(types[firstDelta - 1]).toBe('model-request');
    expect(textOf(events, 'reasoning-delta')).toBe('Multiply.');
    const calls = eventsOfType(events, 'tool-call-delta');
    expect(calls[0]).toMatchObject({ step: 1, attempt: 1, index: 0, id: 'call_1', name: 'multiply' });
    expect(calls.map((event) => event.arguments).join('')).toBe('{"a":6,"b":7}');
    const texts = eventsOfType(events, 'text-delta');
    expect(texts.map((event) => event.text).join('')).toBe('It is 42.');
    expect(texts.every((event) => event.step === 2 && event.attempt === 1)).toBe(true);
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
    expect(events.every((event) => event.runId === events[0]?.runId)).toBe(true);
    // The whole reply of each step still comes, after its pieces.
    const lastText = types.lastIndexOf('text-delta');
    expect(types.indexOf('model-response', lastText)).toBeGreaterThan(lastText);
  });

  it('asks the model for nothing streamed when deltas are off, or nobody listens', async () => {
    const model = createScriptedModel(['42', '42', '42']);
    const { events, onEvent } = collectEvents();

    await createTestAgent(model).run(TASK, { onEvent });
    await createTestAgent(model).run(TASK, { deltas: true });
    await createTestAgent(model).run(TASK, { deltas: false, onEvent });

    expect(model.requests.map((request) => request.streamed)).toEqual([false, false, false]);
    expect(events.some((event) => DELTA_TYPES.has(event.type))).toBe(false);
  });

  it('never streams a key split across pieces, at any split point', async () => {
    vi.stubEnv('OPENAI_API_KEY', KEY);
    const text = `The key is ${KEY}.`;
    for (let cut = 1; cut < text.length; cut += 1) {
      const model = deltaModel(
        [
          { type: 'text', attempt: 1, text: text.slice(0, cut) },
          { type: 'text', attempt: 1, text: text.slice(cut) },
        ],
        { content: text },
      );
      const { events, onEvent } = collectEvents();

      await createTestAgent(model).run(TASK, { deltas: true, onEvent });

      const pieces = eventsOfType(events, 'text-delta').map((event) => event.text);
      expect(pieces.join('')).toBe('The key is [redacted].');
      for (const piece of pieces) {
        expect(piece).not.toContain(KEY.slice(0, KEY.length / 2));
        expect(piece).not.toContain(KEY.slice(KEY.length / 2));
      }
      expect(eventsOfType(events, 'model-response')[0]?.content).toBe('The key is [redacted].');
    }
  });

  it('redacts keys in tool-call arguments and reasoning as they stream', async () => {
    vi.stubEnv('OPENAI_API_KEY', KEY);
    const model = deltaModel([
      { type: 'reasoning', attempt: 1, text: `use ${KEY.slice(0, 9)}` },
      { type: 'reasoning', attempt: 1, text: `${KEY.slice(9)} now` },
      { type: 'tool-call', attempt: 1, index: 0, id: 'c1', name: 'multiply', arguments: `{"k":"${KEY.slice(0, 5)}` },
      { type: 'tool-call', attempt: 1, index: 0, arguments: `${KEY.slice(5)}"}` },
    ]);
    const { events, onEvent } = collectEvents();

    await createTestAgent(model).run(TASK, { deltas: true, onEvent });

    expect(textOf(events, 'reasoning-delta')).toBe('use [redacted] now');
    const args = eventsOfType(events, 'tool-call-delta').map((event) => event.arguments);
    expect(args.join('')).toBe('{"k":"[redacted]"}');
    expect(args.some((piece) => piece.includes('sk-delta'))).toBe(false);
  });

  it('holds back a tool name that arrives in pieces: a key split across them reaches no listener', async () => {
    vi.stubEnv('OPENAI_API_KEY', KEY);
    const model = deltaModel([
      { type: 'tool-call', attempt: 1, index: 0, id: 'c1', name: `x${KEY.slice(0, 8)}`, arguments: '' },
      { type: 'tool-call', attempt: 1, index: 0, name: KEY.slice(8), arguments: '{}' },
    ]);
    const { events, onEvent } = collectEvents();

    await createTestAgent(model).run(TASK, { deltas: true, onEvent });

    const names = eventsOfType(events, 'tool-call-delta').flatMap((event) =>
      event.name === undefined ? [] : [event.name],
    );
    expect(names.join('')).toBe('x[redacted]');
    expect(names.some((piece) => piece.includes(KEY.slice(0, 8)) || piece.includes(KEY.slice(8)))).toBe(false);
  });

  it('numbers the pieces of each attempt, and drops those of an attempt older than the current one', async () => {
    const model = deltaModel([
      { type: 'text', attempt: 1, text: 'Half a ' },
      { type: 'text', attempt: 2, text: 'Whole ' },
      { type: 'text', attempt: 1, text: 'late' },
      { type: 'text', attempt: 2, text: 'reply.' },
    ]);
    const { events, onEvent } = collectEvents();

    await createTestAgent(model).run(TASK, { deltas: true, onEvent });

    expect(eventsOfType(events, 'text-delta').map((event) => [event.attempt, event.text])).toEqual([
      [1, 'Half a '],
      [2, 'Whole '],
      [2, 'reply.'],
    ]);
  });

  it('hears nothing a model streams after its call settled, so no delta follows run-end', async () => {
    let late: ((delta: ModelDelta) => void | Promise<void>) | undefined;
    const model: ChatModel = {
      modelName: 'late-model',
      complete: (request) => {
        late = request.onDelta;
        return Promise.resolve({
          content: '42',
          toolCalls: [],
          finishReason: 'stop',
          usage: undefined,
          model: undefined,
        });
      },
    };
    const { events, onEvent } = collectEvents();

    await createTestAgent(model).run(TASK, { deltas: true, onEvent });
    void late?.({ type: 'text', attempt: 1, text: 'after the end' });

    expect(events.at(-1)?.type).toBe('run-end');
    expect(events.some((event) => event.type === 'text-delta')).toBe(false);
  });

  it('hands the text to the protocol, which reports answer-delta through its stream', async () => {
    const base = createToolProtocol([multiply]);
    const pushed: string[] = [];
    const protocol: AgentProtocol = {
      ...base,
      start: (run) => ({
        ...base.start(run),
        streamModelCall: (call) => ({
          push: (text) => {
            pushed.push(text);
            call.answer(text.toUpperCase());
          },
          end: () => call.answer('!'),
        }),
      }),
    };
    const model = createScriptedModel(['It is 42.'], { chunkSize: 4 });
    const { events, onEvent } = collectEvents();

    await createTestAgent(model, { protocol }).run(TASK, { deltas: true, onEvent });

    expect(pushed.join('')).toBe('It is 42.');
    expect(textOf(events, 'answer-delta')).toBe('IT IS 42.!');
    const answers = eventsOfType(events, 'answer-delta');
    expect(answers.every((event) => event.step === 1 && event.attempt === 1)).toBe(true);
    expect(events.findIndex((event) => event.type === 'model-response')).toBeGreaterThan(
      events.findLastIndex((event) => event.type === 'answer-delta'),
    );
  });

  it('reports an answer the protocol did not stream as one answer-delta, just before final-answer', async () => {
    // The test protocol has no stream reader: its answers come as the code agent's do, whole.
    const model = createScriptedModel(
      [{ toolCalls: [{ name: 'multiply', arguments: { a: 6, b: 7 } }] }, { content: 'It is 42.', toolCalls: [] }],
      { chunkSize: 4 },
    );
    const { events, onEvent } = collectEvents();

    await createTestAgent(model).run(TASK, { deltas: true, onEvent });

    const answers = eventsOfType(events, 'answer-delta');
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatchObject({ step: 2, attempt: 1, text: 'It is 42.' });
    const types = events.map((event) => event.type);
    expect(types.indexOf('answer-delta')).toBe(types.indexOf('final-answer') - 1);
  });

  it('reports no whole answer-delta when the protocol streamed the answer, or without deltas', async () => {
    const base = createToolProtocol([multiply]);
    const protocol: AgentProtocol = {
      ...base,
      start: (run) => ({ ...base.start(run), streamModelCall: (call) => ({ push: (text) => call.answer(text) }) }),
    };
    const streamed = collectEvents();
    const plain = collectEvents();

    await createTestAgent(createScriptedModel(['It is 42.'], { chunkSize: 4 }), { protocol }).run(TASK, {
      deltas: true,
      onEvent: streamed.onEvent,
    });
    await createTestAgent(createScriptedModel(['It is 42.'])).run(TASK, { onEvent: plain.onEvent });

    expect(eventsOfType(streamed.events, 'answer-delta').map((event) => event.text)).toEqual(['It i', 's 42', '.']);
    expect(eventsOfType(plain.events, 'answer-delta')).toEqual([]);
  });

  it('keeps a run going when the protocol stream throws, and says so', async () => {
    const warnings = captureWarnings();
    const base = createToolProtocol([multiply]);
    const protocol: AgentProtocol = {
      ...base,
      start: (run) => ({
        ...base.start(run),
        streamModelCall: () => ({
          push: () => {
            throw new Error('broken reader');
          },
        }),
      }),
    };

    const answer = await createTestAgent(createScriptedModel(['42']), { protocol }).run(TASK, {
      deltas: true,
      onEvent: () => undefined,
    });

    expect(answer).toBe('42');
    expect(warnings).toEqual(["A protocol's model-call stream threw: broken reader"]);
  });

  it('refuses a deltas option that is not a boolean', async () => {
    const agent = createTestAgent(createScriptedModel(['42']));

    await expect(agent.run(TASK, { deltas: 'yes' as never })).rejects.toThrow('deltas must be true or false');
  });
});
