import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AgentProtocol } from './agent-protocol.ts';
import type { ModelRequest } from './agent-run.ts';
import type { ChatModel } from '../model/chat-model.ts';
import { ModelRefusalError } from '../errors.ts';
import { createScriptedModel } from '../testing/scripted-model.ts';
import { collectEvents, countedMultiply, createTestAgent, eventsOfType } from './test-fixtures.ts';

const TASK = 'What is six times seven?';

// A protocol that makes one model call per request given, then answers with the last reply.
// One model call per step, with the requests in order; the last reply is the answer.
function callsProtocol(requests: readonly ModelRequest[], seen: (string | null)[] = []): AgentProtocol {
  return {
    agentName: 'TestAgent',
    systemPrompt: 'You are a test agent.',
    start: (run) => ({
      step: async () => {
        seen.push((await run.callModel(requests[run.step - 1] ?? {})).content);
        if (run.step === requests.length) run.finish(seen.at(-1));
      },
    }),
  };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('callModel', () => {
  it('sends the transcript as it is at the call', async () => {
    const model = createScriptedModel(['42']);

    await createTestAgent(model).run(TASK);

    expect(model.requests[0]?.messages).toEqual([
      { role: 'system', content: 'You are a test agent.' },
      { role: 'user', content: TASK },
    ]);
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

    await createTestAgent(model, { protocol: callsProtocol([{}, {}], seen) }).run(TASK);

    expect(seen).toEqual(['first [redacted]', 'second [redacted]']);
  });

  it('reports tools as offered only when the model may call them', async () => {
    const model = createScriptedModel(['a', 'b', 'c']);
    const tools = [{ name: 'multiply', description: 'Multiplies.', parameters: {} }];
    const { events, onEvent } = collectEvents();
    const protocol = callsProtocol([{ tools }, { tools, toolChoice: 'none' }, {}]);

    await createTestAgent(model, { protocol }).run(TASK, { onEvent });

    expect(eventsOfType(events, 'model-request').map((event) => event.toolsOffered)).toEqual([true, false, false]);
    expect(model.requests[1]?.toolChoice).toBe('none');
  });

  it('refuses a second model call in one step: the step seam has one id for it', async () => {
    const model = createScriptedModel(['a', 'b']);
    const protocol: AgentProtocol = {
      agentName: 'TestAgent',
      systemPrompt: 'You are a test agent.',
      start: (run) => ({
        step: async () => {
          await run.callModel({});
          run.finish((await run.callModel({})).content);
        },
      }),
    };

    const result = await createTestAgent(model, { protocol }).run(TASK, { returnResult: true });

    expect(result.state).toBe('error');
    expect(result.error?.message).toBe(
      "Step id '1/model' was used twice in one run: a protocol calls the model once per step.",
    );
    expect(model.requests).toHaveLength(1);
  });

  it('refuses one tool-call id twice in a step, and takes it again in the next step', async () => {
    const runs = { count: 0 };
    const call = { id: 'call_1', name: 'multiply', arguments: { a: 6, b: 7 } };
    const protocol = (twiceInOneStep: boolean): AgentProtocol => ({
      agentName: 'TestAgent',
      systemPrompt: 'You are a test agent.',
      start: (run) => ({
        step: async () => {
          await run.invokeTool(call);
          if (twiceInOneStep) await run.invokeTool(call);
          if (run.step === 2) run.finish('done');
        },
      }),
    });
    const tools = [countedMultiply(runs)];

    const twice = await createTestAgent(createScriptedModel([]), { protocol: protocol(true), tools }).run(TASK, {
      returnResult: true,
    });
    const onceEachStep = await createTestAgent(createScriptedModel([]), { protocol: protocol(false), tools }).run(
      TASK,
      { returnResult: true },
    );

    expect(twice.state).toBe('error');
    expect(twice.error?.message).toBe(
      "Step id '1/tool/call_1' was used twice in one run: tool call ids must be unique within a step, " +
        "and so must an agent's own step names (runStep).",
    );
    expect(onceEachStep.state).toBe('completed');
    expect(onceEachStep.output).toBe('done');
    // One run in the first agent, two in the second: the refused call never ran.
    expect(runs.count).toBe(3);
  });

  it('refuses a tool-call id used twice among many calls of one step', async () => {
    const runs = { count: 0 };
    const calls = Array.from({ length: 12 }, (_, index) => ({
      id: `call_${index}`,
      name: 'multiply',
      arguments: { a: index, b: 2 },
    }));
    const protocol: AgentProtocol = {
      agentName: 'TestAgent',
      systemPrompt: 'You are a test agent.',
      start: (run) => ({
        step: async () => {
          for (const call of calls) await run.invokeTool(call);
          await run.invokeTool(calls[10]!);
        },
      }),
    };

    const result = await createTestAgent(createScriptedModel([]), { protocol, tools: [countedMultiply(runs)] }).run(
      TASK,
      { returnResult: true },
    );

    expect(result.state).toBe('error');
    expect(result.error?.message).toContain("Step id '1/tool/call_10' was used twice in one run");
    expect(runs.count).toBe(12);
  });

  it('rejects with ModelRefusalError when the model refuses, after reporting the reply', async () => {
    const model = createScriptedModel([{ content: null, refusal: 'I cannot help with that.' }]);
    const { events, onEvent } = collectEvents();

    const result = await createTestAgent(model).run(TASK, { returnResult: true, onEvent });

    expect(ModelRefusalError.isInstance(result.error)).toBe(true);
    expect(result.state).toBe('error');
    expect(eventsOfType(events, 'model-response')).toHaveLength(1);
  });
});

describe('model deadlines and retries', () => {
  it('sends the run modelTimeoutMs, else the agent one, as each request timeoutMs', async () => {
    const model = createScriptedModel(['1', '2', '3']);
    const agent = createTestAgent(model, { modelTimeoutMs: 9_000 });

    await agent.run(TASK);
    await agent.run(TASK, { modelTimeoutMs: 50 });
    await createTestAgent(model).run(TASK);

    expect(model.requests.map((request) => request.timeoutMs)).toEqual([9_000, 50, undefined]);
  });

  it('reports every retry of a model call as a model-retry event and in the step record', async () => {
    const scripted = createScriptedModel(['42']);
    const retrying: ChatModel = {
      modelName: 'flaky-model',
      complete: (request) => {
        request.onRetry?.({ attempt: 1, delayMs: 500, reason: 'HTTP 503', status: 503 });
        return scripted.complete(request);
      },
    };
    const { events, onEvent } = collectEvents();

    const result = await createTestAgent(retrying).run(TASK, { returnResult: true, onEvent });

    const retry = { attempt: 1, delayMs: 500, reason: 'HTTP 503', status: 503 };
    expect(eventsOfType(events, 'model-retry')).toEqual([expect.objectContaining({ ...retry, step: 1 })]);
    expect(result.steps[0]?.modelRetries).toEqual([retry]);
  });
});
