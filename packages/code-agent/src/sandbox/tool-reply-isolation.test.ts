import { tool, z } from '@tinyagent/core';
import { describe, expect, it } from 'vitest';
import { JsExecutor } from './js-executor.ts';
import { leaseWorker, returnWorker } from './worker-pool.ts';

// Workers are pooled and reused by the runs of every user of the process: a tool reply must reach
// the execution that asked for it, and no other.

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
  it('never hands a reply planted on a pooled worker’s port to the next execution', async () => {
    const worker = leaseWorker();
    await worker.ready();
    // A reply left behind by an earlier execution of another sandbox, as a late tool posts it.
    worker.replyToHostCall({
      sandboxId: -1,
      executionId: -1,
      callId: 1,
      ok: true,
      kind: 'string',
      text: 'a reply of another run',
    });
    // Idle workers are taken last in, first out: the next executor gets this one.
    returnWorker(worker);
    using executor = new JsExecutor({ tools: [echo] });

    const result = await executor.run('echo({ text: "B" })');

    expect(result.output).toBe("'echo of B'");
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
    const runA = new JsExecutor({ tools: [slow, echo], limits: { timeoutMs: 100 } });
    // Nearly always a TimeoutError; not asserted, as a worker starved of CPU on a loaded machine may
    // still take the reply in time, and B must get its own reply either way.
    await runA.run('slow({ text: "A" })');
    // A's execution has ended, so its worker goes back to the pool at once, and B takes it.
    runA.dispose();
    using runB = new JsExecutor({ tools: [slow, echo] });

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
    const runA = new JsExecutor({ tools: [aborting, echo], limits: { timeoutMs: 30_000 } });
    await expect(runA.run('aborting()', { signal: controller.signal })).rejects.toBe(reason);
    runA.dispose();
    // The worker posted its result while the tool spun; it is read within two turns of the event
    // loop, and the worker then goes back to the pool for B to take.
    for (let turn = 0; turn < 2; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    using runB = new JsExecutor({ tools: [aborting, echo] });

    const resultB = await runB.run('echo({ text: "B" })');

    expect(resultB.output).toBe("'echo of B'");
  });
});
