import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AgentEvent } from './agent-events.ts';
import { DEFAULT_TOOL_TIMEOUT_MS, executeRun, outputOrThrow } from './agent-run.ts';
import type { AgentRun, RunOptions } from './agent-run.ts';
import type { ChatModel } from '../model/chat-model.ts';
import { createScriptedModel } from '../testing/scripted-model.ts';
import type { ScriptedModel } from '../testing/scripted-model.ts';
import { ConfigurationError, ModelCallError, RunAbortedError, StepLimitReached } from '../errors.ts';
import { setLogger } from '../logger.ts';

// The test kit's scripted model, answering "42" every time — or, with `hang`, only once its
// signal aborts the call.
function createModel(hang = false): ScriptedModel {
  const answer = { content: '42', usage: { inputTokens: 3, outputTokens: 1, totalTokens: 4 } };
  const reply = hang ? { ...answer, delayMs: 24 * 60 * 60 * 1000 } : answer;
  return createScriptedModel(
    Array.from({ length: 10 }, () => reply),
    { modelName: 'test-model' },
  );
}

// The smallest agent loop: one model call, its text is the answer.
async function answerLoop(run: AgentRun, model: ChatModel): Promise<void> {
  run.stepsTaken = 1;
  run.emit({ type: 'step-start', step: 1, maxSteps: run.maxSteps, finalAttempt: false });
  run.messages.push({ role: 'user', content: run.task });
  const reply = await run.callModel(model, { messages: run.messages }, 1);
  const answer = run.finalizer.set(reply.content);
  run.emit({ type: 'final-answer', step: 1, answer });
}

function start(options: RunOptions, loop: (run: AgentRun) => Promise<void>, model: ChatModel = createModel()) {
  return executeRun(
    { task: 'What is six times seven?', model, toolNames: ['multiply'], defaultMaxSteps: 5, options },
    loop,
  );
}

// Installs a logger that keeps the warnings (afterEach restores the default).
function captureWarnings(): string[] {
  const warnings: string[] = [];
  setLogger({
    debug: () => undefined,
    info: () => undefined,
    error: () => undefined,
    warn: (line) => warnings.push(line),
  });
  return warnings;
}

afterEach(() => {
  setLogger(undefined);
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('executeRun', () => {
  it('completes with the answer, usage, transcript and every event in order', async () => {
    const model = createModel();
    const events: AgentEvent[] = [];

    const result = await start({ onEvent: (event) => events.push(event) }, (run) => answerLoop(run, model), model);

    expect(result).toMatchObject({ output: '42', state: 'completed', stepsTaken: 1, error: undefined });
    expect(result.usage).toEqual({
      requests: 1,
      requestsWithoutUsage: 0,
      inputTokens: 3,
      outputTokens: 1,
      totalTokens: 4,
    });
    expect(result.messages).toEqual([{ role: 'user', content: 'What is six times seven?' }]);
    expect(result.metadata).toMatchObject({ model: 'test-model', runId: events[0]?.runId });
    expect(events.map((event) => event.type)).toEqual([
      'run-start',
      'step-start',
      'model-request',
      'model-response',
      'final-answer',
      'run-end',
    ]);
    expect(new Set(events.map((event) => event.runId)).size).toBe(1);
    expect(events[0]).toMatchObject({ task: 'What is six times seven?', tools: ['multiply'], maxSteps: 5 });
  });

  it('reports an answer from the final attempt as step_limit_reached, still returning it', async () => {
    const result = await start({}, (run) => {
      run.stepsTaken = 5;
      run.finalizer.set('best guess', { source: 'final_attempt' });
      return Promise.resolve();
    });

    expect(result.state).toBe('step_limit_reached');
    expect(result.error).toBeUndefined();
    expect(outputOrThrow(result)).toBe('best guess');
  });

  it('ends as step_limit_reached with the error when the loop gives up', async () => {
    const limit = new StepLimitReached('limit', { stepsTaken: 5, finalAttemptMade: true, context: { maxSteps: 5 } });

    const result = await start({}, () => Promise.reject(limit));

    expect(result).toMatchObject({ state: 'step_limit_reached', output: '', finalAnswer: undefined, error: limit });
    expect(() => outputOrThrow(result)).toThrow(limit);
  });

  it('ends in the error state when the model call fails', async () => {
    const failure = new ModelCallError('server down', { status: 500, retryable: true });

    const result = await start({}, () => Promise.reject(failure));

    expect(result).toMatchObject({ state: 'error', error: failure, output: '' });
  });

  it('ends in the error state with a ModelCallError when the chat model returns something else than a reply', async () => {
    const model: ChatModel = { modelName: 'broken-model', complete: () => Promise.resolve([] as never) };

    const result = await start({}, (run) => answerLoop(run, model), model);

    expect(result.state).toBe('error');
    expect(result.error).toBeInstanceOf(ModelCallError);
    expect(result.error?.message).toContain(
      "The chat model 'broken-model' returned a reply that is not a ChatResponse",
    );
  });

  it('ends as aborted, with the reason as cause, when the signal aborts mid-request', async () => {
    const model = createModel(true);
    const controller = new AbortController();
    const reason = new Error('user pressed stop');

    const running = start({ signal: controller.signal }, (run) => answerLoop(run, model), model);
    await vi.waitFor(() => expect(model.requests).toHaveLength(1));
    controller.abort(reason);
    const result = await running;

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
    const model = createModel(true);
    const controller = new AbortController();

    const running = start({ signal: controller.signal }, (run) => answerLoop(run, model), model);
    await vi.waitFor(() => expect(model.requests).toHaveLength(1));
    controller.abort(reason);
    const result = await running;

    expect(result.error?.message).toBe(message);
  });

  it('ends as aborted at once, even when the chat model ignores the signal', async () => {
    let finish: (() => void) | undefined;
    const deaf: ChatModel = {
      modelName: 'deaf-model',
      complete: () =>
        new Promise(
          (resolve) =>
            (finish = () =>
              resolve({ content: 'late', toolCalls: [], finishReason: 'stop', usage: undefined, model: undefined })),
        ),
    };
    const controller = new AbortController();

    const running = start({ signal: controller.signal }, (run) => answerLoop(run, deaf), deaf);
    await vi.waitFor(() => expect(finish).toBeDefined());
    controller.abort(new Error('user pressed stop'));
    const result = await running;
    finish?.();

    expect(result.state).toBe('aborted');
    expect(result.output).toBe('');
  });

  it('ends as aborted and timed out when the run outlives timeoutMs', async () => {
    const model = createModel(true);

    const result = await start({ timeoutMs: 20 }, (run) => answerLoop(run, model), model);

    expect(result.state).toBe('aborted');
    expect((result.error as RunAbortedError).timedOut).toBe(true);
    expect(result.error?.message).toContain('timeout of 20 ms');
  });

  it.each([
    ['a zero maxSteps', { maxSteps: 0 }, /maxSteps must be a positive integer/],
    ['a fractional maxSteps', { maxSteps: 1.5 }, /maxSteps must be a positive integer/],
    ['a negative timeout', { timeoutMs: -5 }, /timeoutMs must be a positive number/],
  ])('rejects %s with a ConfigurationError before running', async (_case, options, message) => {
    const loop = vi.fn(() => Promise.resolve());

    await expect(start(options, loop)).rejects.toThrow(message);
    await expect(start(options, loop)).rejects.toBeInstanceOf(ConfigurationError);
    expect(loop).not.toHaveBeenCalled();
  });

  it('rejects an empty task', async () => {
    const run = executeRun({ task: ' ', model: createModel(), toolNames: [], defaultMaxSteps: 1, options: {} }, () =>
      Promise.resolve(),
    );

    await expect(run).rejects.toThrow(/task must be a non-empty string/);
  });

  it('keeps running when an event listener throws, and says so once per event', async () => {
    const model = createModel();
    const warnings = captureWarnings();

    const result = await start(
      {
        onEvent: () => {
          throw new Error('listener bug');
        },
      },
      (run) => answerLoop(run, model),
      model,
    );

    expect(result.state).toBe('completed');
    expect(warnings[0]).toContain("An event listener threw on 'run-start': listener bug");
  });

  it('keeps running when a listener throws a value that cannot even be described', async () => {
    const model = createModel();
    const warnings = captureWarnings();
    const hostile = Object.defineProperty(new Error('mute'), 'message', {
      get() {
        throw new Error('message refuses');
      },
    });

    const result = await start(
      {
        onEvent: () => {
          throw hostile;
        },
      },
      (run) => answerLoop(run, model),
      model,
    );

    expect(result.state).toBe('completed');
    expect(warnings[0]).toBe("An event listener threw on 'run-start': it threw a value that cannot be described");
  });

  it('redacts from each reply the keys of the environment as they are when it arrives', async () => {
    // A key that appears in the environment mid-run (a model reading its configuration lazily) is
    // still removed from the replies that follow.
    const replies = ['first sk-late-env-key-1', 'second sk-late-env-key-1'];
    const model: ChatModel = {
      modelName: 'echo-model',
      complete: () => {
        vi.stubEnv('OPENAI_API_KEY', 'sk-late-env-key-1');
        const content = replies.shift() ?? null;
        return Promise.resolve({ content, toolCalls: [], finishReason: 'stop', usage: undefined, model: undefined });
      },
    };
    const seen: (string | null)[] = [];
    const loop = async (run: AgentRun): Promise<void> => {
      for (const step of [1, 2]) seen.push((await run.callModel(model, { messages: run.messages }, step)).content);
      run.finalizer.set(seen.at(-1));
    };

    await start({ returnResult: true }, loop, model);

    expect(seen).toEqual(['first [redacted]', 'second [redacted]']);
  });

  it('tells the loop whether anyone listens, so it can skip costly event payloads', async () => {
    const seen: boolean[] = [];
    const record = (run: AgentRun) => {
      seen.push(run.observed);
      run.finalizer.set('x');
      return Promise.resolve();
    };

    await start({}, record);
    await start({ onEvent: () => undefined }, record);

    expect(seen).toEqual([false, true]);
  });

  it('reports tools as offered only when the model may call them', async () => {
    const model = createModel();
    const events: AgentEvent[] = [];
    const tools = [{ name: 'multiply', description: 'Multiplies.', parameters: {} }];

    await start(
      { onEvent: (event) => events.push(event) },
      async (run) => {
        await run.callModel(model, { messages: [], tools }, 1);
        await run.callModel(model, { messages: [], tools, toolChoice: 'none' }, 2);
        await run.callModel(model, { messages: [] }, 3);
        run.finalizer.set('42');
      },
      model,
    );

    const offered = events.flatMap((event) => (event.type === 'model-request' ? [event.toolsOffered] : []));
    expect(offered).toEqual([true, false, false]);
    expect(model.requests[1]?.toolChoice).toBe('none');
  });

  it('writes a readable trace to stderr when verbose', async () => {
    const model = createModel();
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((text) => {
      written.push(String(text));
      return true;
    });

    await start({ verbose: true }, (run) => answerLoop(run, model), model);

    const trace = written.join('');
    expect(trace).toContain('task: What is six times seven?');
    expect(trace).toContain('tools: multiply');
    expect(trace).toContain('--- step 1/5');
    expect(trace).toContain('final answer: 42');
    expect(trace).toMatch(/run completed after 1 step\(s\)/);
  });
});

describe('step records', () => {
  it('builds RunResult.steps from the events the loop emits, listened to or not', async () => {
    const thrown = new TypeError('boom');
    const result = await start({ returnResult: true }, async (run) => {
      run.stepsTaken = 1;
      run.emit({ type: 'step-start', step: 1, maxSteps: run.maxSteps, finalAttempt: false });
      const reply = await run.callModel(createModel(), { messages: [{ role: 'user', content: run.task }] }, 1);
      for (const id of ['a', 'b']) {
        run.emit({ type: 'tool-start', step: 1, toolCallId: id, toolName: 'multiply', arguments: { id } });
      }
      run.emit({
        type: 'tool-end',
        ...{ step: 1, toolCallId: 'b', toolName: 'multiply', output: 'Error: boom', isError: true },
        ...{ originalLength: undefined, durationMs: 2, error: thrown },
      });
      run.emit({
        type: 'tool-end',
        ...{ step: 1, toolCallId: 'a', toolName: 'multiply', output: '42', isError: false },
        ...{ originalLength: undefined, durationMs: 1 },
      });
      run.emit({ type: 'final-answer', step: 1, answer: run.finalizer.set(reply.content) });
    });

    expect(result.steps).toEqual([
      {
        step: 1,
        finalAttempt: false,
        modelReply: {
          content: '42',
          toolCalls: [],
          finishReason: 'stop',
          usage: { inputTokens: 3, outputTokens: 1, totalTokens: 4 },
          durationMs: expect.any(Number) as number,
        },
        modelRetries: [],
        // In the order the calls started, each with its own outcome.
        toolCalls: [
          { toolCallId: 'a', arguments: { id: 'a' }, output: '42', isError: false, durationMs: 1 },
          {
            toolCallId: 'b',
            arguments: { id: 'b' },
            output: 'Error: boom',
            isError: true,
            durationMs: 2,
            error: thrown,
          },
        ].map((call) => ({ ...call, toolName: 'multiply', originalLength: undefined })),
        code: undefined,
        correction: undefined,
      },
    ]);
    expect(result.steps[0]?.toolCalls[1]?.error).toBe(thrown);
  });
});

describe('model deadlines and retries', () => {
  it('sends the run modelTimeoutMs, else the agent one, as each request timeoutMs', async () => {
    const model = createModel();
    const setup = { task: 'Six times seven?', model, toolNames: [], defaultMaxSteps: 1, modelTimeoutMs: 9_000 };

    await executeRun({ ...setup, options: {} }, (run) => answerLoop(run, model));
    await executeRun({ ...setup, options: { modelTimeoutMs: 50 } }, (run) => answerLoop(run, model));

    expect(model.requests.map((request) => request.timeoutMs)).toEqual([9_000, 50]);
  });

  it('reports every retry of a model call as a model-retry event and in the step record', async () => {
    const retrying: ChatModel = {
      modelName: 'flaky-model',
      complete: (request) => {
        request.onRetry?.({ attempt: 1, delayMs: 500, reason: 'HTTP 503', status: 503 });
        return createModel().complete(request);
      },
    };
    const events: AgentEvent[] = [];

    const result = await start(
      { returnResult: true, onEvent: (event) => events.push(event) },
      (run) => answerLoop(run, retrying),
      retrying,
    );

    const retry = { attempt: 1, delayMs: 500, reason: 'HTTP 503', status: 503 };
    expect(events.map((event) => event.type)).toContain('model-retry');
    expect(events.find((event) => event.type === 'model-retry')).toMatchObject({ ...retry, step: 1 });
    expect(result.steps[0]?.modelRetries).toEqual([retry]);
  });

  it('gives each run the default tool deadline unless the agent or the run sets one', async () => {
    const seen: number[] = [];
    const record = (run: AgentRun): Promise<void> => {
      seen.push(run.toolTimeoutMs);
      return answerLoop(run, createModel());
    };
    const setup = { task: 'Six times seven?', model: createModel(), toolNames: [], defaultMaxSteps: 1 };

    await executeRun({ ...setup, options: {} }, record);
    await executeRun({ ...setup, toolTimeoutMs: 5_000, options: {} }, record);
    await executeRun({ ...setup, toolTimeoutMs: 5_000, options: { toolTimeoutMs: 20 } }, record);

    expect(seen).toEqual([DEFAULT_TOOL_TIMEOUT_MS, 5_000, 20]);
    expect(DEFAULT_TOOL_TIMEOUT_MS).toBe(60_000);
  });

  it.each(['toolTimeoutMs', 'modelTimeoutMs'] as const)('rejects a %s that is not positive', async (name) => {
    await expect(start({ [name]: 0 }, (run) => answerLoop(run, createModel()))).rejects.toThrow(
      `${name} must be a positive number of milliseconds; got 0.`,
    );
  });

  it('refuses a run option the agent marks unsupported, with its reason', async () => {
    const setup = {
      task: 'Six times seven?',
      model: createModel(),
      toolNames: [],
      defaultMaxSteps: 1,
      agentName: 'CodeAgent',
      unsupportedOptions: { toolTimeoutMs: 'Tools are synchronous.' },
    };

    await expect(
      executeRun({ ...setup, options: { toolTimeoutMs: 10 } }, (run) => answerLoop(run, createModel())),
    ).rejects.toThrow("CodeAgent's run: toolTimeoutMs does not apply. Tools are synchronous.");
  });
});
