import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AgentProtocol, ProtocolRun } from './agent-protocol.ts';
import type { AgentRun } from './agent-run.ts';
import { MultipleFinalAnswers, ModelCallError } from '../errors.ts';
import { tool } from '../tools/tool.ts';
import { createScriptedModel } from '../testing/scripted-model.ts';
import { collectEvents, createTestAgent, createToolProtocol, multiply } from './test-fixtures.ts';

const TASK = 'What is six times seven?';
const CALL = { toolCalls: [{ name: 'multiply', arguments: { a: 6, b: 7 } }] };

// A protocol whose steps are the given functions of the run (no model needed).
function scriptedProtocol(steps: {
  step: (run: AgentRun) => Promise<void> | void;
  finalAttempt?: (run: AgentRun) => Promise<void> | void;
}): AgentProtocol {
  return {
    agentName: 'TestAgent',
    systemPrompt: 'You are a test agent.',
    start: (run) => {
      const part: ProtocolRun = { step: async () => steps.step(run) };
      const { finalAttempt } = steps;
      if (finalAttempt !== undefined) part.finalAttempt = async () => finalAttempt(run);
      return part;
    },
  };
}

describe('the event envelope', () => {
  it('gives every event the run id, its step and a gapless seq from 1, in order', async () => {
    const model = createScriptedModel([CALL, CALL, '42']);
    const protocol = createToolProtocol([multiply], { finalAttempt: true });
    const { events, onEvent } = collectEvents();

    const result = await createTestAgent(model, { protocol }).run(TASK, { maxSteps: 2, returnResult: true, onEvent });

    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
    expect(new Set(events.map((event) => event.runId))).toEqual(new Set([result.metadata.runId]));
    expect(events[0]).toMatchObject({ type: 'run-start', step: 0 });
    // Each event belongs to the step its step-start opened; run-end to the last one, the final attempt.
    let step = 0;
    for (const event of events.slice(1, -1)) {
      if (event.type === 'step-start') step += 1;
      expect(event.step).toBe(step);
    }
    expect(step).toBe(3);
    expect(events.at(-1)).toMatchObject({ type: 'run-end', step: 3 });
  });
});

describe('steps', () => {
  it('tells the protocol its step and the final attempt, and marks the answer of that attempt', async () => {
    const seen: [number, boolean][] = [];
    const protocol = scriptedProtocol({
      step: (run) => void seen.push([run.step, run.isFinalAttempt]),
      finalAttempt: (run) => {
        seen.push([run.step, run.isFinalAttempt]);
        run.finish('best guess');
      },
    });
    const { events, onEvent } = collectEvents();

    const result = await createTestAgent(createScriptedModel([]), { protocol }).run(TASK, {
      maxSteps: 2,
      returnResult: true,
      onEvent,
    });

    expect(seen).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
    expect(result).toMatchObject({ state: 'step_limit_reached', output: 'best guess', stepsTaken: 2 });
    expect(result.finalAnswer?.source).toBe('final_attempt');
    expect(result.steps.map((record) => record.finalAttempt)).toEqual([false, false, true]);
    expect(events.find((event) => event.type === 'step-start' && event.finalAttempt)).toMatchObject({ step: 3 });
    expect(events.find((event) => event.type === 'final-answer')).toMatchObject({ step: 3 });
  });

  it('ends the run after the step that finished it, with the answer and its metadata', async () => {
    let steps = 0;
    const protocol = scriptedProtocol({
      step: (run) => {
        steps += 1;
        if (run.step === 2) run.finish({ product: 42 }, { checked: true });
      },
    });

    const result = await createTestAgent(createScriptedModel([]), { protocol }).run(TASK, { returnResult: true });

    expect(steps).toBe(2);
    expect(result).toMatchObject({ state: 'completed', output: '{"product":42}', stepsTaken: 2 });
    expect(result.finalAnswer).toMatchObject({ value: { product: 42 }, source: 'normal', metadata: { checked: true } });
  });

  it('fails the run with MultipleFinalAnswers when a step finishes twice', async () => {
    const protocol = scriptedProtocol({
      step: (run) => {
        run.finish('first');
        run.finish('second');
      },
    });
    const { events, onEvent } = collectEvents();

    const result = await createTestAgent(createScriptedModel([]), { protocol }).run(TASK, {
      returnResult: true,
      onEvent,
    });

    expect(result).toMatchObject({ state: 'error', output: '', finalAnswer: undefined });
    expect(MultipleFinalAnswers.isInstance(result.error)).toBe(true);
    expect(result.error).toMatchObject({ firstAnswer: 'first', secondAnswer: 'second' });
    expect(events.filter((event) => event.type === 'final-answer')).toHaveLength(1);
  });

  it('sends a correction as a user message, reports it and records it in the step', async () => {
    const protocol = scriptedProtocol({
      step: (run) => {
        if (run.step === 1) run.correct('no answer', 'Answer now.');
        else run.finish(run.transcript.at(-1)?.content);
      },
    });
    const { events, onEvent } = collectEvents();

    const result = await createTestAgent(createScriptedModel([]), { protocol }).run(TASK, {
      returnResult: true,
      onEvent,
    });

    expect(result.output).toBe('Answer now.');
    expect(result.messages.at(-1)).toEqual({ role: 'user', content: 'Answer now.' });
    expect(events.find((event) => event.type === 'correction')).toMatchObject({
      step: 1,
      reason: 'no answer',
      message: 'Answer now.',
    });
    expect(result.steps.map((record) => record.correction)).toEqual([
      { reason: 'no answer', message: 'Answer now.' },
      undefined,
    ]);
  });
});

describe('closing the protocol', () => {
  async function closesAfter(
    replies: Parameters<typeof createScriptedModel>[0],
    options: { maxSteps?: number; signal?: AbortSignal; finalAttempt?: boolean } = {},
  ): Promise<{ closed: number; state: string }> {
    let closed = 0;
    const protocol = createToolProtocol([multiply], {
      finalAttempt: options.finalAttempt,
      onClose: () => (closed += 1),
    });
    const agent = createTestAgent(createScriptedModel(replies), { protocol });
    const result = await agent.run(TASK, { maxSteps: options.maxSteps, signal: options.signal, returnResult: true });
    return { closed, state: result.state };
  }

  it('closes once when the run answers', async () => {
    await expect(closesAfter([CALL, '42'])).resolves.toEqual({ closed: 1, state: 'completed' });
  });

  it('closes once when the run fails', async () => {
    const failure = new ModelCallError('server down', { status: 500, retryable: true });

    await expect(closesAfter([CALL, { error: failure }])).resolves.toEqual({ closed: 1, state: 'error' });
  });

  it('closes once when the run is aborted', async () => {
    const controller = new AbortController();
    const stop = () => {
      controller.abort(new Error('stop'));
      return { content: 'late', delayMs: 24 * 60 * 60 * 1000 };
    };

    await expect(closesAfter([stop], { signal: controller.signal })).resolves.toEqual({ closed: 1, state: 'aborted' });
  });

  it('closes once when the run reaches its step limit, after the final attempt', async () => {
    const limit = { maxSteps: 1, finalAttempt: true };

    await expect(closesAfter([CALL, { content: null }], limit)).resolves.toEqual({
      closed: 1,
      state: 'step_limit_reached',
    });
  });
});

describe('step records', () => {
  // `lookup('b')` throws; `lookup('a')` answers only after b has ended, so the calls end out of order.
  function createLookup(thrown: Error) {
    let open = (): void => undefined;
    const bEnded = new Promise<void>((resolve) => (open = resolve));
    return tool({
      name: 'lookup',
      description: 'Looks a key up.',
      parameters: z.object({ key: z.string() }),
      execute: async ({ key }) => {
        if (key === 'a') {
          await bEnded;
          return '42';
        }
        // Once every pending promise of b's failure has settled, its tool-end included.
        setImmediate(open);
        throw thrown;
      },
    });
  }
  const reply = {
    toolCalls: ['a', 'b'].map((key) => ({ id: key, name: 'lookup', arguments: { key } })),
    usage: { inputTokens: 3, outputTokens: 1, totalTokens: 4 },
  };

  it('builds RunResult.steps from the run events, listened to or not, each call with its outcome', async () => {
    const thrown = new TypeError('boom');
    const lookup = createLookup(thrown);
    const agent = createTestAgent(createScriptedModel([reply, '42']), { tools: [lookup] });

    const result = await agent.run(TASK, { returnResult: true });

    expect(result.steps[0]).toEqual({
      step: 1,
      finalAttempt: false,
      modelReply: {
        content: null,
        toolCalls: reply.toolCalls.map((call) => ({ ...call, arguments: JSON.stringify(call.arguments) })),
        finishReason: 'tool_calls',
        usage: reply.usage,
        // The model that answered, as the reply named it (the scripted model names itself).
        responseModel: 'scripted-model',
        durationMs: expect.any(Number) as number,
      },
      modelRetries: [],
      // In the order the calls started, each with its own outcome.
      toolCalls: [
        { toolCallId: 'a', arguments: { key: 'a' }, output: '42', isError: false },
        {
          toolCallId: 'b',
          arguments: { key: 'b' },
          output: "Error: Tool 'lookup' failed: TypeError: boom",
          isError: true,
          error: thrown,
        },
      ].map((call) => ({
        ...call,
        toolName: 'lookup',
        originalLength: undefined,
        durationMs: expect.any(Number) as number,
      })),
      agentEvents: [],
      correction: undefined,
    });
    expect(result.steps[0]?.toolCalls[1]?.error).toBe(thrown);
    expect(result.steps).toHaveLength(2);
  });

  it('ends the calls of one turn in the order they finish, and records the same with a listener', async () => {
    const lookup = createLookup(new TypeError('boom'));
    const agent = createTestAgent(createScriptedModel([reply, '42']), { tools: [lookup] });
    const { events, onEvent } = collectEvents();

    const result = await agent.run(TASK, { returnResult: true, onEvent });

    const ends = events.flatMap((event) => (event.type === 'tool-end' ? [event.toolCallId] : []));
    expect(ends).toEqual(['b', 'a']);
    expect(result.steps[0]?.toolCalls.map((call) => [call.toolCallId, call.output])).toEqual([
      ['a', '42'],
      ['b', "Error: Tool 'lookup' failed: TypeError: boom"],
    ]);
  });
});
