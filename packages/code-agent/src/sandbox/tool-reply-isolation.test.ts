import { tool, z } from '@tinyagent/core';
import type { ToolCallOutcome } from '@tinyagent/core';
import { afterAll, describe, expect, it } from 'vitest';
import { JsExecutor } from './js-executor.ts';
import { createSandboxPool } from './sandbox-pool.ts';
import type { InvokeTool } from './tool-bridge.ts';

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

function answer(text: string): ToolCallOutcome {
  return { output: text, isError: false, returned: { kind: 'string', text } };
}

/**
 * Tool paths for two runs on one worker. A's call is answered only once B's call waits; B's only once
 * A's reply has been posted (the session posts it in the microtasks after A's answer, so before any
 * callback of the next phase of the event loop). `onAskedA` runs when A's call arrives.
 */
function lateReplyAcross(onAskedA: () => void = () => undefined): {
  invokeA: InvokeTool;
  invokeB: InvokeTool;
  asked: Promise<undefined>;
} {
  const askedA = Promise.withResolvers<undefined>();
  const askedB = Promise.withResolvers<undefined>();
  const repliedA = Promise.withResolvers<undefined>();
  return {
    asked: askedA.promise,
    invokeA: async () => {
      askedA.resolve(undefined);
      onAskedA();
      await askedB.promise;
      setImmediate(() => repliedA.resolve(undefined));
      return answer('late reply to A');
    },
    invokeB: async () => {
      askedB.resolve(undefined);
      await repliedA.promise;
      return answer('echo of B');
    },
  };
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

  // The late reply of A's call is posted while B, next on the same worker, waits for the reply to its own
  // first call: the same call id, in the same thread. Replies that could cross sandboxes would hand B
  // A's text here. The order is forced by promises, not by timing.
  it('keeps the late reply of a tool that outlived its execution’s deadline from the next sandbox on the worker', async () => {
    const { invokeA, invokeB, asked } = lateReplyAcross();
    using runA = new JsExecutor({ tools: [echo], limits: { timeoutMs: 200 }, pool });
    using runB = new JsExecutor({ tools: [echo], pool });
    await Promise.all([runA.warm(), runB.warm()]);

    const resultA = runA.run('echo({ text: "A" })', { invokeTool: invokeA });
    await asked;
    const resultB = await runB.run('echo({ text: "B" })', { invokeTool: invokeB });

    expect((await resultA).output).toBe(
      'Execution error: TimeoutError: the code ran longer than 200 ms and was stopped',
    );
    expect(resultB.output).toBe("'echo of B'");
    // A's own next execution does not read it either.
    expect((await runA.run('echo({ text: "A again" })')).output).toBe("'echo of A again'");
  });

  // The same, within one sandbox: its next execution waits on the same line, so only the identity each
  // reply carries keeps it apart.
  it('keeps the late reply of a tool that outlived its deadline from the same sandbox’s next execution', async () => {
    const { invokeA, invokeB, asked } = lateReplyAcross();
    using runA = new JsExecutor({ tools: [echo], limits: { timeoutMs: 200 }, pool });
    await runA.warm();

    const first = runA.run('echo({ text: "A" })', { invokeTool: invokeA });
    await asked;
    const next = await runA.run('echo({ text: "B" })', { invokeTool: invokeB });

    expect((await first).output).toBe('Execution error: TimeoutError: the code ran longer than 200 ms and was stopped');
    expect(next.output).toBe("'echo of B'");
  });

  it('keeps the reply of a tool whose execution was aborted while it ran from the next sandbox on the worker', async () => {
    const controller = new AbortController();
    const reason = new Error('user left');
    const { invokeA, invokeB, asked } = lateReplyAcross(() => controller.abort(reason));
    using runA = new JsExecutor({ tools: [echo], limits: { timeoutMs: 30_000 }, pool });
    using runB = new JsExecutor({ tools: [echo], pool });
    await Promise.all([runA.warm(), runB.warm()]);

    const failureA = runA
      .run('echo({ text: "A" })', { signal: controller.signal, invokeTool: invokeA })
      .catch((error: unknown) => error);
    await asked;
    const resultB = await runB.run('echo({ text: "B" })', { invokeTool: invokeB });

    expect(await failureA).toBe(reason);
    expect(resultB.output).toBe("'echo of B'");
    expect((await runA.run('echo({ text: "A again" })')).output).toBe("'echo of A again'");
  });
});
