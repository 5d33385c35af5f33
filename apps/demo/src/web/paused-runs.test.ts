import type { RunSnapshot } from '@tinyagent/core';
import { describe, expect, it } from 'vitest';
import { createPausedRuns } from './paused-runs.ts';

// Only runId matters to the store; the rest of a snapshot is the agent's business.
const snapshot = (runId: string) => ({ runId }) as RunSnapshot;

describe('paused runs', () => {
  it('forgets the oldest run when one more pauses than it may keep', () => {
    const paused = createPausedRuns({ maxRuns: 2, maxAgeMs: 60_000 });

    paused.keep(snapshot('a'));
    paused.keep(snapshot('b'));
    paused.keep(snapshot('c'));

    expect(paused.size).toBe(2);
    expect(paused.peek('a')).toBeUndefined();
    expect(paused.peek('c')?.runId).toBe('c');
  });

  it('forgets a run that waited longer than maxAgeMs', () => {
    let now = 0;
    const paused = createPausedRuns({ maxRuns: 10, maxAgeMs: 1_000, now: () => now });
    paused.keep(snapshot('old'));
    now = 900;
    paused.keep(snapshot('new'));

    now = 1_001;

    expect(paused.take('old')).toBeUndefined();
    expect(paused.take('new')?.runId).toBe('new');
  });

  it('hands a snapshot out once: a second take finds nothing, so a decision is applied once', () => {
    const paused = createPausedRuns({ maxRuns: 10, maxAgeMs: 60_000 });
    paused.keep(snapshot('a'));

    expect(paused.take('a')?.runId).toBe('a');
    expect(paused.take('a')).toBeUndefined();
  });
});
