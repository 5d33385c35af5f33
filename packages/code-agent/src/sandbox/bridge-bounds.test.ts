import { tool, z } from '@tinyagent/core';
import { describe, expect, it } from 'vitest';
import { JsExecutor } from './js-executor.ts';
import { resolveLimits } from './sandbox-limits.ts';
import { resolvePool } from './sandbox-pool.ts';
import { SandboxSession } from './sandbox-session.ts';

// What crosses from a sandbox to the host is bounded by the sandbox's own memory limit, however
// often the code calls final_answer or a tool: the host never holds more than a small multiple of it.

const MIB = 1024 * 1024;
// A 1 MB answer given 1000 times: a gigabyte if the host kept each copy (its worker's heap is 512 MB).
const ANSWER_LOOP = 'const big = "x".repeat(1_000_000);\nfor (let i = 0; i < 1000; i++) final_answer(big)';

describe('the bridge out of the sandbox', () => {
  it('keeps one final answer however often the code calls final_answer', async () => {
    using executor = new JsExecutor({ limits: { memoryBytes: 64 * MIB, timeoutMs: 30_000 } });

    const result = await executor.run(ANSWER_LOOP);

    expect(result.isFinal).toBe(false);
    expect(result.output).toBe(
      'Execution error: MultipleFinalAnswers: final_answer was called 1000 times in one execution; call it exactly once.',
    );
  });

  it('hands the host an outcome far smaller than the sandbox’s memory, not every answer given', async () => {
    const limits = resolveLimits({ memoryBytes: 64 * MIB, timeoutMs: 30_000 });
    const session = await SandboxSession.open(resolvePool(undefined, 'the test').place(), limits, []);
    try {
      const outcome = await session.execute({
        code: ANSWER_LOOP,
        typescript: false,
        signal: undefined,
        seed: [1, 2, 3, 4],
        onToolCall: () => Promise.resolve({ ok: true, kind: 'undefined' }),
      });

      // The deterministic measure of what the host holds: the outcome it was sent, as text.
      expect(JSON.stringify(outcome).length).toBeLessThan(limits.memoryBytes / 8);
    } finally {
      session.close();
    }
  });

  it('refuses tool arguments larger than an eighth of the sandbox’s memory, with an error the code can catch', async () => {
    const calls: number[] = [];
    const store = tool({
      name: 'store',
      description: 'Stores a text.',
      parameters: z.object({ text: z.string() }),
      execute: ({ text }) => calls.push(text.length),
    });
    using executor = new JsExecutor({ tools: [store], limits: { memoryBytes: 32 * MIB } });

    const result = await executor.run(
      'try { store({ text: "y".repeat(5_000_000) }) } catch (error) { console.log(error.name + ": " + error.message) }\nstore({ text: "small" })',
    );

    expect(result.output).toBe(
      "ToolInputError: Tool 'store' got 5000011 characters of JSON arguments, more than the 4194304 one call from " +
        'this sandbox may pass (an eighth of its 32 MiB of memory); pass less data per call.',
    );
    expect(calls).toEqual([5]);
  });
});

describe('what the model reads back', () => {
  // A 4 MB string: a tool's page of text, say, left as the last expression or thrown.
  const BIG = '"x".repeat(4_000_000)';
  const cases: Record<string, string> = {
    'the value of the last expression': BIG,
    'a thrown error’s message': `throw new Error(${BIG})`,
    'a thrown error’s name': `const error = new Error("boom"); error.name = ${BIG}; throw error`,
    'a thrown string': `throw ${BIG}`,
  };

  for (const [what, code] of Object.entries(cases)) {
    it(`cuts ${what} at maxOutputChars, as it cuts console output`, async () => {
      using executor = new JsExecutor({ limits: { maxOutputChars: 1000 } });

      const result = await executor.run(code);

      expect(result.output.length).toBeLessThan(1200);
      expect(result.output).toContain('cut at 1000 characters]');
    });
  }

  it('crosses to the host already cut: the outcome stays small', async () => {
    const limits = resolveLimits({ maxOutputChars: 1000 });
    const session = await SandboxSession.open(resolvePool(undefined, 'the test').place(), limits, []);
    try {
      const request = {
        typescript: false,
        signal: undefined,
        seed: [1, 2, 3, 4] as const,
        onToolCall: () => Promise.resolve({ ok: true as const, kind: 'undefined' as const }),
      };
      const value = await session.execute({ ...request, code: '"x".repeat(4_000_000)' });
      const thrown = await session.execute({
        ...request,
        code: 'const e = new Error("y".repeat(4_000_000)); e.name = "n".repeat(4_000_000); e.stack = "s".repeat(4_000_000); throw e',
      });

      expect(JSON.stringify(value).length).toBeLessThan(5000);
      expect(JSON.stringify(thrown).length).toBeLessThan(20_000);
    } finally {
      session.close();
    }
  });
});
