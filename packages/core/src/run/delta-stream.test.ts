import { describe, expect, it } from 'vitest';
import type { AgentEvent } from './agent-events.ts';
import type { ChatModel } from '../model/chat-model.ts';
import { MAX_UNREAD_EVENTS } from './event-stream.ts';
import { createScriptedModel } from '../testing/scripted-model.ts';
import { createTestAgent } from './test-fixtures.ts';

const TASK = 'Write a long answer.';

describe('agent.stream with deltas', () => {
  it('keeps a slow consumer at most MAX_UNREAD_EVENTS behind while the model streams 1 MB', async () => {
    const reply = 'x'.repeat(1024 * 1024);
    const model = createScriptedModel([reply], { chunkSize: 64 });
    let emitted = 0;
    let read = 0;
    let mostUnread = 0;
    let text = 0;

    for await (const event of createTestAgent(model).stream(TASK, { deltas: true, onEvent: () => (emitted += 1) })) {
      read += 1;
      mostUnread = Math.max(mostUnread, emitted - read);
      if (event.type === 'text-delta') text += event.text.length;
      await new Promise((resolve) => setImmediate(resolve));
    }

    expect(text).toBe(reply.length);
    // The bound, plus the few events a step emits around its model call that never wait.
    expect(mostUnread).toBeLessThanOrEqual(MAX_UNREAD_EVENTS + 4);
  });

  it('aborts the run when the consumer breaks off mid-stream, and the model call stops', async () => {
    const scripted = createScriptedModel(['y'.repeat(100_000)], { chunkSize: 1, chunkDelayMs: 1 });
    let call: Promise<unknown> | undefined;
    let signal: AbortSignal | undefined;
    const model: ChatModel = {
      modelName: scripted.modelName,
      complete: (request) => {
        signal = request.signal;
        call = scripted.complete(request);
        return call as ReturnType<ChatModel['complete']>;
      },
    };
    const types: string[] = [];

    for await (const event of createTestAgent(model).stream(TASK, { deltas: true })) {
      types.push(event.type);
      if (event.type === 'text-delta') break;
    }

    expect(types.at(-1)).toBe('text-delta');
    expect(scripted.requests[0]?.streamed).toBe(true);
    // The model call got the run's abort and gave up, instead of streaming its 100,000 pieces to no one.
    await expect(call).rejects.toThrow();
    expect(signal?.aborted).toBe(true);
  });

  it('ends with run-end and nothing after it when the caller aborts mid-stream, even from a model that ignores its signal', async () => {
    let finishLate!: () => void;
    const lateDone = new Promise<void>((resolve) => (finishLate = resolve));
    // Streams on after the abort, and never settles on its own.
    const model: ChatModel = {
      modelName: 'deaf-model',
      complete: (request) =>
        new Promise(() => {
          let count = 0;
          const tick = (): void => {
            count += 1;
            void request.onDelta?.({ type: 'text', attempt: 1, text: 'z' });
            if (count < 200) setImmediate(tick);
            else finishLate();
          };
          tick();
        }),
    };
    const controller = new AbortController();
    const streamed: AgentEvent[] = [];
    // A listener hears every event the run emits, also any after the stream has ended.
    const heard: AgentEvent[] = [];
    const options = { deltas: true, signal: controller.signal, onEvent: (event: AgentEvent) => heard.push(event) };

    for await (const event of createTestAgent(model).stream(TASK, options)) {
      streamed.push(event);
      if (event.type === 'text-delta' && event.seq === 5) controller.abort(new Error('user left'));
    }
    await lateDone;

    const end = streamed.at(-1);
    expect(end?.type === 'run-end' && end.result.state).toBe('aborted');
    expect(heard.at(-1)?.type).toBe('run-end');
    expect(heard.filter((event) => event.type === 'text-delta').length).toBeLessThan(200);
  });
});
