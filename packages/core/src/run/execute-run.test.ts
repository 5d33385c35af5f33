import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AgentRun } from './agent-run.ts';
import type { ChatModel, ChatResponse } from '../model/chat-model.ts';
import { createScriptedModel } from '../testing/scripted-model.ts';
import { ConfigurationError, ModelCallError, RunAbortedError, StepLimitReached } from '../errors.ts';
import { setLogger } from '../logger.ts';
import { outputOrThrow } from './execute-run.ts';
import { captureWarnings, collectEvents, createTestAgent, createToolProtocol, multiply } from './test-fixtures.ts';

const TASK = 'What is six times seven?';
const USAGE = { inputTokens: 3, outputTokens: 1, totalTokens: 4 };

// A model that starts answering and only ends when `controller` aborts the run mid-request.
function abortingModel(controller: AbortController, reason: unknown) {
  return createScriptedModel([
    () => {
      controller.abort(reason);
      return { content: 'too late', delayMs: 24 * 60 * 60 * 1000 };
    },
  ]);
}

afterEach(() => {
  setLogger(undefined);
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('a run on the engine', () => {
  it('completes with the answer, usage, transcript and every event in order', async () => {
    const model = createScriptedModel([{ content: '42', usage: USAGE }], { modelName: 'test-model' });
    const { events, onEvent } = collectEvents();

    const result = await createTestAgent(model).run(TASK, { returnResult: true, onEvent });

    expect(result).toMatchObject({ output: '42', state: 'completed', stepsTaken: 1, error: undefined });
    expect(result.usage).toEqual({ requests: 1, requestsWithoutUsage: 0, ...USAGE });
    expect(result.messages).toEqual([
      { role: 'system', content: 'You are a test agent.' },
      { role: 'user', content: TASK },
      { role: 'assistant', content: '42' },
    ]);
    expect(result.metadata).toEqual({ model: 'test-model', runId: events[0]?.runId });
    expect(events.map((event) => event.type)).toEqual([
      'run-start',
      'step-start',
      'model-request',
      'model-response',
      'final-answer',
      'run-end',
    ]);
    expect(events[0]).toMatchObject({ task: TASK, tools: ['multiply'], model: 'test-model', maxSteps: 5 });
  });

  it('places the history between the system prompt and the task, without its own system message', async () => {
    const model = createScriptedModel(['42']);
    const history = [
      { role: 'system' as const, content: 'An old prompt.' },
      { role: 'user' as const, content: 'Hello' },
      { role: 'assistant' as const, content: 'Hi' },
    ];

    await createTestAgent(model).run(TASK, { history });

    expect(model.requests[0]?.messages.map((message) => message.content)).toEqual([
      'You are a test agent.',
      'Hello',
      'Hi',
      TASK,
    ]);
  });

  it('reports an answer from the final attempt as step_limit_reached, still returning it', async () => {
    const model = createScriptedModel([{ toolCalls: [{ name: 'multiply', arguments: { a: 6, b: 7 } }] }, '42']);
    const agent = createTestAgent(model, { protocol: createToolProtocol([multiply], { finalAttempt: true }) });

    const result = await agent.run(TASK, { maxSteps: 1, returnResult: true });

    expect(result).toMatchObject({ state: 'step_limit_reached', output: '42', stepsTaken: 1, error: undefined });
    expect(result.finalAnswer?.source).toBe('final_attempt');
    expect(outputOrThrow(result)).toBe('42');
  });

  it.each([
    ['with a final attempt', true, ', and the final attempt produced none either'],
    ['without one', false, ''],
  ])('ends as step_limit_reached with StepLimitReached when no step answers, %s', async (_, final, said) => {
    const call = { toolCalls: [{ name: 'multiply', arguments: { a: 6, b: 7 } }] };
    const model = createScriptedModel([call, call, { content: null }]);
    const agent = createTestAgent(model, { protocol: createToolProtocol([multiply], { finalAttempt: final }) });

    const result = await agent.run(TASK, { maxSteps: 2, returnResult: true });

    expect(result).toMatchObject({ state: 'step_limit_reached', output: '', finalAnswer: undefined, stepsTaken: 2 });
    const error = result.error as StepLimitReached;
    expect(StepLimitReached.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ stepsTaken: 2, finalAttemptMade: final });
    expect(error.message).toContain(`took 2 steps without reaching a final answer${said}.`);
    expect(() => outputOrThrow(result)).toThrow(error);
  });

  it('ends in the error state when the model call fails', async () => {
    const failure = new ModelCallError('server down', { status: 500, retryable: true });

    const result = await createTestAgent(createScriptedModel([{ error: failure }])).run(TASK, { returnResult: true });

    expect(result).toMatchObject({ state: 'error', error: failure, output: '', finalAnswer: undefined });
    await expect(createTestAgent(createScriptedModel([{ error: failure }])).run(TASK)).rejects.toBe(failure);
  });

  it('ends in the error state with a ModelCallError when the chat model returns something else than a reply', async () => {
    const model: ChatModel = { modelName: 'broken-model', complete: () => Promise.resolve([] as never) };

    const result = await createTestAgent(model).run(TASK, { returnResult: true });

    expect(result.state).toBe('error');
    expect(result.error).toBeInstanceOf(ModelCallError);
    expect(result.error?.message).toContain(
      "The chat model 'broken-model' returned a reply that is not a ChatResponse",
    );
  });
});

describe('an aborted run', () => {
  it('ends as aborted, with the reason as cause, when the signal aborts mid-request', async () => {
    const controller = new AbortController();
    const reason = new Error('user pressed stop');
    const agent = createTestAgent(abortingModel(controller, reason));

    const result = await agent.run(TASK, { signal: controller.signal, returnResult: true });

    expect(result.state).toBe('aborted');
    expect(RunAbortedError.isInstance(result.error)).toBe(true);
    expect((result.error as RunAbortedError).timedOut).toBe(false);
    expect(result.error?.cause).toBe(reason);
    expect(() => outputOrThrow(result)).toThrow(/aborted: user pressed stop/);
  });

  it.each([
    ['a string reason', 'user left', 'The run was aborted: user left.'],
    ['a reason ending with a period', new Error('interrupted (Ctrl-C).'), 'The run was aborted: interrupted (Ctrl-C).'],
    ['a reason that says nothing', 42, 'The run was aborted.'],
  ])('says why it was aborted in one sentence, for %s', async (_, reason, message) => {
    const controller = new AbortController();
    const agent = createTestAgent(abortingModel(controller, reason));

    await expect(agent.run(TASK, { signal: controller.signal })).rejects.toThrow(message);
  });

  it('ends as aborted at once, even when the chat model ignores the signal', async () => {
    const controller = new AbortController();
    let answerLate: ((reply: ChatResponse) => void) | undefined;
    const deaf: ChatModel = {
      modelName: 'deaf-model',
      complete: () =>
        new Promise((resolve) => {
          answerLate = resolve;
          // After the run has begun waiting for this reply.
          queueMicrotask(() => controller.abort(new Error('user pressed stop')));
        }),
    };

    const result = await createTestAgent(deaf).run(TASK, { signal: controller.signal, returnResult: true });
    answerLate?.({ content: 'late', toolCalls: [], finishReason: 'stop', usage: undefined, model: undefined });

    expect(result.state).toBe('aborted');
    expect(result.output).toBe('');
  });

  it('ends as aborted and timed out when the run outlives timeoutMs', async () => {
    const model = createScriptedModel([{ content: 'never', delayMs: 24 * 60 * 60 * 1000 }]);

    const result = await createTestAgent(model).run(TASK, { timeoutMs: 20, returnResult: true });

    expect(result.state).toBe('aborted');
    expect((result.error as RunAbortedError).timedOut).toBe(true);
    expect(result.error?.message).toContain('timeout of 20 ms');
  });

  it('gives the model a signal only when something can abort the run', async () => {
    const model = createScriptedModel(['1', '2', '3']);
    const agent = createTestAgent(model);

    await agent.run(TASK);
    await agent.run(TASK, { signal: new AbortController().signal });
    await agent.run(TASK, { timeoutMs: 60_000 });

    expect(model.requests.map((request) => request.hadSignal)).toEqual([false, true, true]);
  });
});

describe('run options', () => {
  it.each([
    ['a zero maxSteps', { maxSteps: 0 }, /maxSteps must be a positive integer/],
    ['a fractional maxSteps', { maxSteps: 1.5 }, /maxSteps must be a positive integer/],
    ['a negative timeout', { timeoutMs: -5 }, /timeoutMs must be a positive number/],
    [
      'a toolTimeoutMs of 0',
      { toolTimeoutMs: 0 },
      /^toolTimeoutMs must be a positive number of milliseconds, .*got 0\.$/,
    ],
    ['a modelTimeoutMs of 0', { modelTimeoutMs: 0 }, /^modelTimeoutMs must be a positive number of milliseconds/],
    // Node fires a longer timer after 1 ms: the run would be over before its first request.
    ['a timeout no timer can wait', { timeoutMs: 3_000_000_000 }, /at most 2147483647 \(about 24\.8 days/],
    ['a toolTimeoutMs of 2^31', { toolTimeoutMs: 2 ** 31 }, /toolTimeoutMs must be .* at most 2147483647/],
    ['an unknown option', { maxStep: 3 }, /maxStep/],
    // Plain JavaScript callers: each of these was ignored, or failed inside the run with a TypeError.
    ['an onEvent that is not a function', { onEvent: 'console' }, /^onEvent must be a function/],
    ['a signal that is not an AbortSignal', { signal: { aborted: false } }, /^signal must be an AbortSignal/],
    ['a verbose that is not a boolean', { verbose: 'yes' }, /^verbose must be true or false; got "yes"\./],
    ['a returnResult that is not a boolean', { returnResult: 1 }, /^returnResult must be true or false; got 1\./],
  ])('rejects %s with a ConfigurationError before running', async (_case, options, message) => {
    const model = createScriptedModel(['42']);
    const protocol = createToolProtocol([multiply]);
    const start = vi.fn((run: AgentRun) => protocol.start(run));
    const agent = createTestAgent(model, { protocol: { ...protocol, start } });

    await expect(agent.run(TASK, options as never)).rejects.toThrow(message);
    await expect(agent.run(TASK, options as never)).rejects.toBeInstanceOf(ConfigurationError);
    expect(start).not.toHaveBeenCalled();
    expect(model.requests).toHaveLength(0);
  });

  it('rejects an empty task', async () => {
    await expect(createTestAgent(createScriptedModel([])).run(' ')).rejects.toThrow(/task must be a non-empty string/);
  });

  it('refuses a run option the agent marks unsupported, with its reason', async () => {
    const agent = createTestAgent(createScriptedModel(['42']), {
      protocol: { ...createToolProtocol([multiply]), agentName: 'CodeAgent' },
      unsupportedOptions: { toolTimeoutMs: 'Tools are synchronous.' },
    });

    await expect(agent.run(TASK, { toolTimeoutMs: 10 })).rejects.toThrow(
      "CodeAgent's run: toolTimeoutMs does not apply. Tools are synchronous.",
    );
  });
});

describe('event listeners', () => {
  it('keeps running when an event listener throws, and says so once per event', async () => {
    const warnings = captureWarnings();
    const onEvent = () => {
      throw new Error('listener bug');
    };

    const result = await createTestAgent(createScriptedModel(['42'])).run(TASK, { returnResult: true, onEvent });

    expect(result.state).toBe('completed');
    expect(warnings).toHaveLength(6);
    expect(warnings[0]).toBe("An event listener threw on 'run-start': listener bug");
  });

  it('hears an async listener that rejects, so its rejection is a warning and never unhandled', async () => {
    const warnings = captureWarnings();
    // Typed as the option is: an async function fits it, and is what this listener is at run time.
    const onEvent = (async () => {
      await Promise.resolve();
      throw new Error('database down');
    }) as () => void;

    const result = await createTestAgent(createScriptedModel(['42'])).run(TASK, { returnResult: true, onEvent });

    expect(result.state).toBe('completed');
    await vi.waitFor(() => expect(warnings).toHaveLength(6));
    expect(warnings[0]).toBe("An event listener threw on 'run-start': database down");
  });

  it('keeps running when a listener throws a value that cannot even be described', async () => {
    const warnings = captureWarnings();
    const hostile = Object.defineProperty(new Error('mute'), 'message', {
      get() {
        throw new Error('message refuses');
      },
    });
    const onEvent = () => {
      throw hostile;
    };

    const result = await createTestAgent(createScriptedModel(['42'])).run(TASK, { returnResult: true, onEvent });

    expect(result.state).toBe('completed');
    expect(warnings[0]).toBe("An event listener threw on 'run-start': it threw a value that cannot be described");
  });

  it('writes a readable trace to stderr when verbose', async () => {
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((text) => {
      written.push(String(text));
      return true;
    });

    await createTestAgent(createScriptedModel(['42'])).run(TASK, { verbose: true });

    const trace = written.join('');
    expect(trace).toContain(`task: ${TASK}`);
    expect(trace).toContain('tools: multiply');
    expect(trace).toContain('--- step 1/5');
    expect(trace).toContain('final answer: 42');
    expect(trace).toMatch(/run completed after 1 step\(s\)/);
  });
});
