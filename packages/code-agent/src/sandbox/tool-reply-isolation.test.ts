import { tool, z } from '@tinyagent/core';
import { afterAll, describe, expect, it } from 'vitest';
import { JsExecutor } from './js-executor.ts';
import { createSandboxPool } from './sandbox-pool.ts';

// One worker hosts the sandboxes of every user of the process at once: a tool reply must reach the
// execution that asked for it, and no other. A pool of one worker puts every sandbox here on the same thread.
const pool = createSandboxPool({ workers: 1 });
afterAll(() => pool.close());

const echo = tool({
  name: 'echo',
  description: 'Returns its text.',
  parameters: z.object({ text: z.string() }),
  execute: ({ text }) => `echo of ${text}`,
});

// The scenario itself: a synchronous tool still busy on the main thread when its execution has
// been stopped, so its reply is posted after the worker stopped waiting for it.
function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // A slow synchronous tool.
  }
}

describe('tool replies', () => {
  it('hands each of many sandboxes on one worker its own replies while their calls interleave', async () => {
    const executors = Array.from({ length: 12 }, () => new JsExecutor({ tools: [echo], pool }));
    const code = (index: number): string =>
      `let all = ''; for (let i = 0; i < 20; i++) all += echo({ text: "${index}-" + i }) + ';'; all`;
    const expected = (index: number): string =>
      `'${Array.from({ length: 20 }, (_, call) => `echo of ${index}-${call};`).join('')}'`;

    const results = await Promise.all(executors.map((executor, index) => executor.run(code(index))));

    expect(results.map((result) => result.output)).toEqual(executors.map((_, index) => expected(index)));
    for (const executor of executors) executor.dispose();
  });

  it('drops a late reply of an earlier execution of the same sandbox', async () => {
    const slow = tool({
      name: 'slow',
      description: 'Answers after the deadline.',
      execute: () => {
        spin(300);
        return 'late reply';
      },
    });
    using executor = new JsExecutor({ tools: [slow, echo], limits: { timeoutMs: 50 }, pool });
    await executor.run('slow()');

    const result = await executor.run('echo({ text: "next" })');

    expect(result.output).toBe("'echo of next'");
  });

  it('drops the late reply of a tool that outlived its execution’s deadline', async () => {
    const slow = tool({
      name: 'slow',
      description: 'Answers after the deadline.',
      parameters: z.object({ text: z.string() }),
      execute: ({ text }) => {
        spin(600);
        return `slow reply to ${text}`;
      },
    });
    const runA = new JsExecutor({ tools: [slow, echo], limits: { timeoutMs: 100 }, pool });
    // Nearly always a TimeoutError; not asserted, as a worker starved of CPU on a loaded machine may
    // still take the reply in time, and B must get its own reply either way.
    await runA.run('slow({ text: "A" })');
    // B's sandbox is on the same worker as A's was.
    runA.dispose();
    using runB = new JsExecutor({ tools: [slow, echo], pool });

    const resultB = await runB.run('echo({ text: "B" })');

    expect(resultB.output).toBe("'echo of B'");
  });

  it('drops the reply of a tool whose execution was aborted while it ran', async () => {
    const controller = new AbortController();
    const reason = new Error('user left');
    const aborting = tool({
      name: 'aborting',
      description: 'Aborts its own run, then answers.',
      execute: () => {
        controller.abort(reason);
        spin(300);
        return 'reply of the aborted run';
      },
    });
    const runA = new JsExecutor({ tools: [aborting, echo], limits: { timeoutMs: 30_000 }, pool });
    await expect(runA.run('aborting()', { signal: controller.signal })).rejects.toBe(reason);
    runA.dispose();
    using runB = new JsExecutor({ tools: [aborting, echo], pool });

    const resultB = await runB.run('echo({ text: "B" })');

    expect(resultB.output).toBe("'echo of B'");
  });
});
