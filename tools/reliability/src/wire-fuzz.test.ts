import fc from 'fast-check';
import { ModelCallError, OpenAIChatModel } from '@tinyagent/core';
import type { ChatModel } from '@tinyagent/core';
import { TinyCodeAgent } from '@tinyagent/code-agent';
import { ReactAgent } from '@tinyagent/react-agent';
import type { FakeRawReply } from '@tinyagent/testing';
import { startFakeOpenAI } from '@tinyagent/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { contractViolations } from './chat-response-contract.ts';
import { fuzzTools, settlementProblem } from './fuzz-agents.ts';
import { fuzzRuns, FUZZ_SEED } from './fuzz-settings.ts';
import { rawReply } from './wire-arbitraries.ts';

// Whatever an OpenAI-compatible server sends, OpenAIChatModel either hands the agent a reply that
// keeps the ChatResponse type or fails with a ModelCallError: nothing else reaches the agent loop.

// The openai SDK prints every stream chunk it cannot parse with console.error before it throws (the
// ModelCallError these tests expect): hundreds of lines that would only bury a real failure.
beforeEach(() => {
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('OpenAIChatModel against a server sending fuzzed replies', () => {
  it.each([false, true])(
    'returns a well-typed reply or a ModelCallError (streaming: %s)',
    async (streaming) => {
      let next: FakeRawReply = { raw: '' };
      await using server = await startFakeOpenAI({ handler: () => next, recordRequests: false });
      const model = new OpenAIChatModel({ baseURL: server.url, streaming, maxRetries: 1, retryDelayMs: 1 });

      await fc.assert(
        fc.asyncProperty(rawReply, async (reply) => {
          next = reply;
          const outcome = await model.complete({ messages: [{ role: 'user', content: 'Hi' }] }).then(
            (response) => ({ response }),
            (error: unknown) => ({ error }),
          );
          if ('error' in outcome) {
            expect(ModelCallError.isInstance(outcome.error), String(outcome.error)).toBe(true);
          } else {
            expect(contractViolations(outcome.response)).toEqual([]);
          }
        }),
        { seed: FUZZ_SEED, numRuns: fuzzRuns(300) },
      );
    },
    60_000,
  );
});

describe('both agents against a server sending fuzzed replies', () => {
  it('settle every run within their model-call budget, whatever the server sends', async () => {
    let replies: FakeRawReply[] = [];
    let next = 0;
    await using server = await startFakeOpenAI({
      handler: () => replies[Math.min(next++, replies.length - 1)] ?? { raw: '' },
      recordRequests: false,
    });
    const agentKinds = fc.constantFrom('json' as const, 'native' as const, 'code' as const);

    await fc.assert(
      fc.asyncProperty(
        fc.array(rawReply, { minLength: 1, maxLength: 8 }),
        agentKinds,
        fc.boolean(),
        async (generated, kind, streaming) => {
          replies = generated;
          next = 0;
          let calls = 0;
          const inner = new OpenAIChatModel({ baseURL: server.url, streaming, maxRetries: 1, retryDelayMs: 1 });
          const chatModel: ChatModel = {
            modelName: 'counted',
            complete: (request) => ((calls += 1), inner.complete(request)),
          };
          const maxSteps = 2;
          const agent =
            kind === 'code'
              ? new TinyCodeAgent({ tools: fuzzTools, chatModel, limits: { timeoutMs: 300 } })
              : new ReactAgent({ tools: fuzzTools, chatModel, toolCalling: kind });
          const result = await agent.run('Fuzz me.', { returnResult: true, maxSteps });
          expect(settlementProblem(result, calls, kind === 'code' ? maxSteps : maxSteps + 1)).toBeUndefined();
        },
      ),
      { seed: FUZZ_SEED, numRuns: fuzzRuns(60) },
    );
  }, 120_000);
});
