import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AgentEvent, CustomEvent } from './agent-events.ts';
import { ConfigurationError, ModelCallError } from '../errors.ts';
import type { ChatModel } from '../model/chat-model.ts';
import { registerSecret } from '../secrets.ts';
import { serverSentEvents, serverSentEventsResponse } from './server-sent-events.ts';
import { createScriptedModel } from '../testing/scripted-model.ts';
import { tool } from '../tools/tool.ts';
import { collectEvents, createTestAgent, heldModel, parseServerSentEvents } from './test-fixtures.ts';
import type { ServerSentEvent } from './test-fixtures.ts';

const TASK = 'What is 6 × 7?';
const MULTIPLY_THEN_ANSWER = [{ toolCalls: [{ name: 'multiply', arguments: { a: 6, b: 7 } }] }, 'It is 42.'];

async function framesOf(stream: ReadableStream<Uint8Array>): Promise<ServerSentEvent[]> {
  return parseServerSentEvents(await new Response(stream).text()).events;
}

function payload(frame: ServerSentEvent | undefined): Record<string, unknown> {
  if (frame === undefined) throw new Error('No such frame.');
  return JSON.parse(frame.data) as Record<string, unknown>;
}

// Answers only when aborted; `started` settles when it is called.
function stuckModel(): { model: ChatModel; started: Promise<void> } {
  let start!: () => void;
  const started = new Promise<void>((resolve) => (start = resolve));
  const model: ChatModel = {
    modelName: 'stuck-model',
    complete: (request) =>
      new Promise((_resolve, reject) => {
        start();
        request.signal?.addEventListener('abort', () => reject(request.signal?.reason as Error));
      }),
  };
  return { model, started };
}

async function* replay(events: (AgentEvent | CustomEvent)[]): AsyncGenerator<AgentEvent | CustomEvent> {
  for (const event of events) yield await Promise.resolve(event);
}

describe('serverSentEvents', () => {
  it('sends every event as a frame named by its type, with its seq as id and its JSON as data, then end', async () => {
    const model = createScriptedModel(MULTIPLY_THEN_ANSWER, { chunkSize: 3 });
    const { events, onEvent } = collectEvents();

    const frames = await framesOf(serverSentEvents(createTestAgent(model).stream(TASK, { deltas: true, onEvent })));

    expect(frames.map((frame) => frame.event)).toEqual([...events.map((event) => event.type), 'end']);
    expect(frames.slice(0, -1).map((frame) => frame.id)).toEqual(events.map((event) => String(event.seq)));
    // Every payload but run-end's is the event itself, as JSON reads it back.
    events.slice(0, -1).forEach((event, index) => {
      expect(payload(frames[index])).toEqual(JSON.parse(JSON.stringify(event)));
    });
    expect(frames.at(-1)).toEqual({ event: 'end', id: undefined, data: '{}' });
  });

  it('sends run-end with the result but not its messages, steps or snapshot unless asked', async () => {
    const { events, onEvent } = collectEvents();
    const stream = createTestAgent(createScriptedModel(MULTIPLY_THEN_ANSWER)).stream(TASK, { onEvent });

    const end = payload((await framesOf(serverSentEvents(stream))).at(-2));

    const result = end.result as Record<string, unknown>;
    expect(result).toMatchObject({ output: 'It is 42.', state: 'completed', stepsTaken: 2 });
    expect(Object.keys(result)).not.toContain('messages');
    expect(Object.keys(result)).not.toContain('steps');
    const stream2 = createTestAgent(createScriptedModel(MULTIPLY_THEN_ANSWER)).stream(TASK);
    const full = payload((await framesOf(serverSentEvents(stream2, { include: ['messages', 'steps'] }))).at(-2));
    const last = events.at(-1);
    expect(last?.type === 'run-end' && (full.result as { messages: unknown[] }).messages.length).toBe(
      last?.type === 'run-end' && last.result.messages.length,
    );
    expect((full.result as { steps: unknown[] }).steps).toHaveLength(2);
  });

  it('sends errors as name, message and code, without stack, cause or secrets', async () => {
    const secret = 'sk-sse-test-secret-0123456789';
    registerSecret(secret);
    const failing = tool({
      name: 'multiply',
      description: 'Multiplies two numbers.',
      parameters: z.object({ a: z.number(), b: z.number() }),
      execute: () => {
        throw new Error(`the key ${secret} was refused`, { cause: new Error('deep') });
      },
    });
    const model = createScriptedModel([
      MULTIPLY_THEN_ANSWER[0] ?? '',
      { error: new ModelCallError(`The server said no to ${secret}.`, { status: 400, retryable: false }) },
    ]);

    const text = await new Response(serverSentEvents(createTestAgent(model, { tools: [failing] }).stream(TASK))).text();

    expect(text).not.toContain('sk-sse-test');
    expect(text).not.toContain('stack');
    expect(text).not.toContain('deep');
    const frames = parseServerSentEvents(text).events;
    const toolEnd = payload(frames.find((frame) => frame.event === 'tool-end'));
    expect(toolEnd.error).toEqual({ name: 'Error', message: 'the key [redacted] was refused' });
    const runEnd = payload(frames.find((frame) => frame.event === 'run-end'));
    expect((runEnd.result as Record<string, unknown>).error).toEqual({
      name: 'ModelCallError',
      message: 'The server said no to [redacted].',
      code: 'model_call',
    });
  });

  it('sends a paused run’s pendingApprovals, and its snapshot when asked, which resumes the run', async () => {
    const pay = tool({
      name: 'pay',
      description: 'Pays someone.',
      parameters: z.object({ to: z.string() }),
      needsApproval: true,
      execute: ({ to }) => `paid ${to}`,
    });
    const script = [{ toolCalls: [{ id: 'pay-1', name: 'pay', arguments: { to: 'Ada' } }] }, 'Paid.'];
    const agent = createTestAgent(createScriptedModel(script), { tools: [pay] });

    const frames = await framesOf(serverSentEvents(agent.stream('Pay Ada.'), { include: ['snapshot'] }));

    const result = payload(frames.find((frame) => frame.event === 'run-end')).result as Record<string, unknown>;
    expect(result.state).toBe('awaiting_approval');
    expect(result.pendingApprovals).toEqual([expect.objectContaining({ callId: 'pay-1', toolName: 'pay' })]);
    expect(result.error).toMatchObject({ name: 'ApprovalRequiredError', code: 'approval_required' });
    const resumed = await agent.resume(JSON.stringify(result.snapshot), { approvals: { 'pay-1': { approved: true } } });
    expect(resumed).toBe('Paid.');
    const withoutSnapshot = await framesOf(
      serverSentEvents(createTestAgent(createScriptedModel(script), { tools: [pay] }).stream('Pay Ada.')),
    );
    const paused = payload(withoutSnapshot.find((frame) => frame.event === 'run-end')).result;
    expect(Object.keys(paused as object)).not.toContain('snapshot');
  });

  it('keeps every payload on one data line, whatever its text holds', async () => {
    const text = 'line\nbreak\r\ncarriage\rseparator\u2028paragraph\u2029lone\ud800surrogate\u0000nul';
    const big = 'x'.repeat(1024 * 1024);
    const envelope = { runId: 'r', step: 1 };
    const stream = serverSentEvents(
      replay([
        { ...envelope, seq: 1, type: 'answer-delta', attempt: 1, text },
        { ...envelope, seq: 2, type: 'tool-end', toolCallId: 'c', toolName: 't', output: big, isError: false },
      ] as AgentEvent[]),
    );

    const frames = await framesOf(stream);

    expect(frames.map((frame) => frame.event)).toEqual(['answer-delta', 'tool-end', 'end']);
    expect(frames.every((frame) => !/[\r\n]/.test(frame.data))).toBe(true);
    expect(payload(frames[0]).text).toBe(text);
    expect(payload(frames[1]).output).toBe(big);
  });

  it('names an agent’s own events by their type, without ids for a sub-agent’s, and survives a cyclic one', async () => {
    const cyclic: Record<string, unknown> = { runId: 'r', step: 1, seq: 2, type: 'code\nstart' };
    cyclic.self = cyclic;
    const stream = serverSentEvents(
      replay([
        { runId: 'sub', step: 1, seq: 1, parentRunId: 'r', type: 'code-start' },
        cyclic as unknown as CustomEvent,
      ]),
    );

    const frames = await framesOf(stream);

    expect(frames[0]).toMatchObject({ event: 'code-start', id: undefined });
    expect(frames[1]).toMatchObject({ event: 'code start', id: '2' });
    expect(payload(frames[1])).toMatchObject({
      type: 'code\nstart',
      seq: 2,
      unserializable: expect.any(String) as string,
    });
  });

  it('sends stream-error then end when the run cannot start', async () => {
    const stream = createTestAgent(createScriptedModel([])).stream(TASK, { maxStep: 3 } as never);

    const frames = await framesOf(serverSentEvents(stream));

    expect(frames.map((frame) => frame.event)).toEqual(['stream-error', 'end']);
    expect(payload(frames[0])).toMatchObject({ name: 'ConfigurationError', code: 'configuration' });
    expect(payload(frames[0]).message).toContain("unknown option 'maxStep'");
  });

  it('sends a keep-alive comment while the run is silent', async () => {
    // The model answers once the test heard a keep-alive: the run is silent until then.
    const { model: waiting, release: seen } = heldModel('42');
    const reader = serverSentEvents(createTestAgent(waiting).stream(TASK), { heartbeatMs: 5 }).getReader();
    const decoder = new TextDecoder();

    let text = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      text += decoder.decode(chunk.value, { stream: true });
      if (text.includes(': keep-alive\n\n')) seen();
    }

    const { events, comments } = parseServerSentEvents(text);
    expect(comments.length).toBeGreaterThan(0);
    expect(events.at(-2)?.event).toBe('run-end');
    expect(payload(events.at(-2)).result).toMatchObject({ output: '42' });
  });

  it('starts the run at the first read, not before', async () => {
    const { events, onEvent } = collectEvents();
    const stream = serverSentEvents(createTestAgent(createScriptedModel(['42'])).stream(TASK, { onEvent }));

    for (let turn = 0; turn < 5; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual([]);
    const { events: frames } = parseServerSentEvents(await new Response(stream).text());

    expect(frames.map((frame) => frame.event)).toEqual([...events.map((event) => event.type), 'end']);
  });

  it('aborts the run when the stream is cancelled, even while the run waits on its model', async () => {
    const { model, started } = stuckModel();
    const { events, onEvent } = collectEvents();
    const reader = serverSentEvents(createTestAgent(model).stream(TASK, { onEvent })).getReader();

    await reader.read();
    await started;
    await reader.cancel();

    const end = events.at(-1);
    expect(end?.type === 'run-end' && end.result.state).toBe('aborted');
  });

  it('refuses what is not a run’s events, unknown options and bad values', () => {
    const stream = (): AsyncIterable<AgentEvent> => createTestAgent(createScriptedModel(['42'])).stream(TASK);

    expect(() => serverSentEvents('task' as never)).toThrow(ConfigurationError);
    expect(() => serverSentEvents(stream(), { heartbeat: 5 } as never)).toThrow(
      "serverSentEvents: unknown option 'heartbeat'. Did you mean 'heartbeatMs'?",
    );
    expect(() => serverSentEvents(stream(), { heartbeatMs: -1 })).toThrow(/heartbeatMs must be/);
    expect(() => serverSentEvents(stream(), { include: ['transcript'] as never })).toThrow(/include must be a list/);
  });
});

describe('serverSentEventsResponse', () => {
  it('is a Response of text/event-stream that takes a status, extra headers and the stream options', async () => {
    const stream = createTestAgent(createScriptedModel(['42'])).stream(TASK);

    const response = serverSentEventsResponse(stream, {
      status: 201,
      headers: { 'access-control-allow-origin': '*', 'cache-control': 'no-store' },
      heartbeatMs: 0,
    });

    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const frames = parseServerSentEvents(await response.text()).events;
    expect(frames.map((frame) => frame.event).slice(-2)).toEqual(['run-end', 'end']);
  });

  it('refuses an unknown key in its init', () => {
    const stream = createTestAgent(createScriptedModel(['42'])).stream(TASK);

    expect(() => serverSentEventsResponse(stream, { header: {} } as never)).toThrow(
      "serverSentEventsResponse: unknown option 'header'. Did you mean 'headers'?",
    );
  });
});
