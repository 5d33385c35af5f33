import fc from 'fast-check';
import { TinyCodeAgent } from '@tinyagent/code-agent';
import { ReactAgent } from '@tinyagent/react-agent';
import { describe, expect, it } from 'vitest';
import { createReplayModel, fuzzTools, settlementProblem } from './fuzz-agents.ts';
import { heapAfterGc } from './heap.ts';
import { FUZZ_SEED, fuzzRuns } from './fuzz-settings.ts';
import { chatResponse, codeText, jsonProtocolText, junk, wrongOr } from './reply-arbitraries.ts';

// Whatever the model says, a run settles within its model-call budget with an answer,
// StepLimitReached or a typed error, and leaves nothing behind on the heap.

// Heap growth allowed over a whole property, after a full collection: far above what one leaked
// run of megabyte replies would add, far below what a leak per run would.
const HEAP_GROWTH_LIMIT_MB = 48;

const maxSteps = fc.integer({ min: 1, max: 4 });

describe('ReactAgent under fuzzed model replies', () => {
  it.each(['json', 'native'] as const)(
    'settles every run within maxSteps + 1 model calls (%s protocol)',
    async (toolCalling) => {
      const replies = fc.array(chatResponse(jsonProtocolText, toolCalling === 'native'), {
        minLength: 1,
        maxLength: 6,
      });
      const heapBefore = heapAfterGc();
      await fc.assert(
        fc.asyncProperty(replies, maxSteps, async (generated, steps) => {
          const model = createReplayModel(generated);
          const agent = new ReactAgent({ tools: fuzzTools, chatModel: model, toolCalling });
          const result = await agent.run('Fuzz me.', { returnResult: true, maxSteps: steps });
          expect(settlementProblem(result, model.calls, steps + 1)).toBeUndefined();
        }),
        { seed: FUZZ_SEED, numRuns: fuzzRuns(120) },
      );
      expect(heapAfterGc() - heapBefore).toBeLessThan(HEAP_GROWTH_LIMIT_MB);
    },
    120_000,
  );

  it('settles every run when the chat model returns values of the wrong type in every field', async () => {
    const reply = fc.record(
      {
        content: wrongOr(fc.option(fc.string({ maxLength: 50 }))),
        toolCalls: wrongOr(fc.array(fc.record({ id: junk, name: junk, arguments: junk }), { maxLength: 3 })),
        finishReason: junk,
        usage: junk,
        model: junk,
      },
      { requiredKeys: [] },
    );
    const replies = fc.array(fc.oneof(reply, junk), { minLength: 1, maxLength: 5 });
    await fc.assert(
      fc.asyncProperty(
        replies,
        maxSteps,
        fc.constantFrom('json' as const, 'native' as const),
        async (generated, steps, toolCalling) => {
          const model = createReplayModel(generated);
          const agent = new ReactAgent({ tools: fuzzTools, chatModel: model, toolCalling });
          const result = await agent.run('Fuzz me.', { returnResult: true, maxSteps: steps });
          expect(settlementProblem(result, model.calls, steps + 1)).toBeUndefined();
        },
      ),
      { seed: FUZZ_SEED, numRuns: fuzzRuns(200) },
    );
  });
});

describe('TinyCodeAgent under fuzzed model replies', () => {
  it('settles every run within maxSteps model calls', async () => {
    const replies = fc.array(chatResponse(codeText, false), { minLength: 1, maxLength: 4 });
    const heapBefore = heapAfterGc();
    await fc.assert(
      fc.asyncProperty(replies, fc.integer({ min: 1, max: 3 }), async (generated, steps) => {
        const model = createReplayModel(generated);
        const agent = new TinyCodeAgent({ tools: fuzzTools, chatModel: model, limits: { timeoutMs: 300 } });
        const result = await agent.run('Fuzz me.', { returnResult: true, maxSteps: steps });
        expect(settlementProblem(result, model.calls, steps)).toBeUndefined();
      }),
      { seed: FUZZ_SEED, numRuns: fuzzRuns(40) },
    );
    expect(heapAfterGc() - heapBefore).toBeLessThan(HEAP_GROWTH_LIMIT_MB);
  }, 120_000);
});
