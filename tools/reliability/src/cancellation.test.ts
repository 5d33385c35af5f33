import { startFakeOpenAI } from '@tinyagent/testing';
import { describe, expect, it } from 'vitest';
import { answerCancellationRequest } from './cancellation.ts';
import type { CancelledRun } from './cancellation.ts';
import { runChild } from './run-child.ts';

describe('cancellation under load', () => {
  it('settles every run aborted in a model request, a tool or a sandbox as aborted, and the process exits by itself', async () => {
    // The server lives here, the runs in a child process: only a child with nothing left running
    // (no timer, socket or worker) exits on its own while the server keeps its connections open.
    // Every phase would outlast the child's 60 s if an abort did not stop it: the model request
    // hangs, the tool waits an hour, the sandbox loops until its own time limit. How fast runs settle is measured by
    // the soak (`pnpm soak`), which fails past its limit; this test asserts no duration.
    await using server = await startFakeOpenAI({ handler: answerCancellationRequest, recordRequests: false });

    const child = await runChild('./cancellation-child.ts', [server.url, '90', '8'], 60_000);

    expect(child.stderr).toBe('');
    expect(child.code).toBe(0);
    const { outcomes } = JSON.parse(child.stdout) as { outcomes: CancelledRun[] };
    expect(outcomes).toHaveLength(90);
    for (const phase of ['model', 'tool', 'sandbox'] as const) {
      const runs = outcomes.filter((outcome) => outcome.phase === phase);
      expect(runs.map((run) => `${run.state} ${run.errorName ?? ''}`)).toEqual(
        Array<string>(30).fill('aborted RunAbortedError'),
      );
    }
  }, 90_000);
});
