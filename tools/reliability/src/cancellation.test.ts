import { describe, expect, it } from 'vitest';
import { runCancellationChild } from './run-child.ts';

describe('cancellation under load', () => {
  it('settles every run aborted in a model request, a tool or a sandbox as aborted, and the process exits by itself', async () => {
    // Every phase would outlast the child's 60 s if an abort did not stop it: the model request
    // hangs, the tool waits an hour, the sandbox loops until its own time limit. How fast runs settle is measured by
    // the soak (`pnpm soak`), which fails past its limit; this test asserts no duration.
    const child = await runCancellationChild(90, 8, 60_000);

    expect(child.stderr).toBe('');
    expect(child.code).toBe(0);
    expect(child.outcomes).toHaveLength(90);
    for (const phase of ['model', 'tool', 'sandbox'] as const) {
      const runs = child.outcomes.filter((outcome) => outcome.phase === phase);
      expect(runs.map((run) => `${run.state} ${run.errorName ?? ''}`)).toEqual(
        Array<string>(30).fill('aborted RunAbortedError'),
      );
    }
  }, 90_000);
});
