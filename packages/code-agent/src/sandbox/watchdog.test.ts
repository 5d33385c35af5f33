import { tool, z } from '@tinyagent/core';
import { afterEach, describe, expect, it } from 'vitest';
import { SEED_STEP } from './execution-inputs.ts';
import type { RunStep } from './execution-inputs.ts';
import { JsExecutor } from './js-executor.ts';
import { SandboxError } from './sandbox-error.ts';
import { resolveLimits } from './sandbox-limits.ts';
import { WorkerPool } from './sandbox-pool.ts';
import { SandboxSession } from './sandbox-session.ts';

// The watchdog replaces a worker held by an execution that QuickJS could not stop at its deadline. Here
// it fires WATCHDOG_MS after an execution starts, while the loop's own deadline is far away: to the main
// thread, that worker is exactly one stuck outside QuickJS's interrupt checks.
// Long enough that a worker starved of CPU on a busy machine still gets from an execution's start to its
// first tool call in time.
const WATCHDOG_MS = 1000;
const FAR_DEADLINE = { timeoutMs: 60_000 };
const RESTARTED = '(the sandbox had to be restarted: it was reset, and variables from earlier steps are gone.)';
// A test waits for up to two watchdog periods and starts up to three workers: on a busy machine that is
// far beyond vitest's default 5 s, and a timeout says nothing about the behaviour under test.
const TEST_TIMEOUT_MS = 30_000;

const pools: WorkerPool[] = [];
// Closed even when a test fails, so that no worker outlives it.
afterEach(() => {
  for (const pool of pools.splice(0)) pool.close();
});

function watchdogPool(): WorkerPool {
  const pool = new WorkerPool(1, { watchdogAfterMs: WATCHDOG_MS });
  pools.push(pool);
  return pool;
}

// A tool the runaway code calls first, so that the test knows its execution holds the worker.
function beginning(): { began: Promise<undefined>; tool: ReturnType<typeof tool> } {
  const { promise, resolve } = Promise.withResolvers<undefined>();
  const began = tool({ name: 'began', description: 'Says the loop begins.', execute: () => resolve(undefined) });
  return { began: promise, tool: began };
}

// Counts the calls of each caller: a queued execution run twice would call it twice.
function tallying(): { calls: Map<string, number>; tool: ReturnType<typeof tool> } {
  const calls = new Map<string, number>();
  const tally = tool({
    name: 'tally',
    description: 'Counts a call.',
    parameters: z.object({ who: z.string() }),
    execute: ({ who }) => {
      calls.set(who, (calls.get(who) ?? 0) + 1);
      return who;
    },
  });
  return { calls, tool: tally };
}

describe('the watchdog', { timeout: TEST_TIMEOUT_MS }, () => {
  it('moves the queued runs of a runaway’s neighbours to a fresh worker, each run once, and tells idle ones of the reset', async () => {
    const pool = watchdogPool();
    const { began, tool: begin } = beginning();
    const { calls, tool: tally } = tallying();
    const runaway = new JsExecutor({ tools: [begin], pool, limits: FAR_DEADLINE });
    const idle = new JsExecutor({ pool });
    const queued = Array.from({ length: 3 }, () => new JsExecutor({ tools: [tally], pool }));
    await idle.run('globalThis.kept = "idle state"');
    await queued[0]?.run('globalThis.kept = "queued state"');
    await Promise.all([runaway, ...queued].map((executor) => executor.warm()));
    const [worker] = pool.liveWorkers();

    const looping = runaway.run('began(); for (;;) {}');
    await began;
    const waiting = queued.map((executor, index) => executor.run(`typeof kept + " " + tally({ who: "${index}" })`));
    const [stopped, ...moved] = await Promise.all([looping, ...waiting]);

    expect(stopped.output).toBe(
      `Execution error: TimeoutError: the code ran longer than 60000 ms and was stopped\n${RESTARTED}`,
    );
    // Each queued run ran once, on a fresh sandbox; the one that had state hears that it is gone.
    expect(moved.map((result) => result.output)).toEqual([
      `'undefined 0'\n${RESTARTED}`,
      "'undefined 1'",
      "'undefined 2'",
    ]);
    expect([...calls.entries()].sort()).toEqual([
      ['0', 1],
      ['1', 1],
      ['2', 1],
    ]);
    expect((await idle.run('typeof kept')).output).toBe(`'undefined'\n${RESTARTED}`);
    expect(pool.liveWorkers()).not.toContain(worker);
  });

  it('ends a queued run with a SandboxError blaming the neighbour when runaway code gets its fresh worker replaced too', async () => {
    const pool = watchdogPool();
    const { began, tool: begin } = beginning();
    const { calls, tool: tally } = tallying();
    const first = new JsExecutor({ tools: [begin], pool, limits: FAR_DEADLINE });
    const events: string[] = [];
    const secondBegan = tool({
      name: 'began',
      description: 'Says the second loop begins.',
      execute: () => void events.push('second loop began'),
    });
    // Queued behind the first loop, and moved with the innocent run, ahead of it: it loops on the fresh worker.
    const second = new JsExecutor({ tools: [secondBegan], pool, limits: FAR_DEADLINE });
    const innocent = new JsExecutor({ tools: [tally], pool });
    for (const executor of [first, second, innocent]) await executor.warm();

    const firstLoop = first.run('began(); for (;;) {}');
    await began;
    const secondLoop = second.run('began(); for (;;) {}');
    const innocentRun = innocent.run('tally({ who: "innocent" })').catch((error: unknown) => {
      events.push('innocent run failed');
      return error;
    });
    const [firstResult, secondResult, failure] = await Promise.all([firstLoop, secondLoop, innocentRun]);

    expect(firstResult.output).toContain('TimeoutError');
    expect(secondResult.output).toContain('TimeoutError');
    expect(SandboxError.isInstance(failure)).toBe(true);
    expect((failure as Error).message).toBe(
      "The sandbox's worker was replaced because another run's code on it ran past its deadline and would not stop: " +
        'this run was waiting its turn and did nothing wrong; it was moved to a fresh sandbox, whose worker runaway ' +
        'code got replaced as well. Run it again (variables from earlier steps are gone), and give runs of untrusted ' +
        'code a sandbox pool of their own (createSandboxPool) so that they cannot hold up others.',
    );
    // It failed on the fresh worker, not on the first one: it waited there behind the second loop.
    expect(events).toEqual(['second loop began', 'innocent run failed']);
    expect(calls.size).toBe(0);
    // The run after it is an ordinary one.
    expect((await innocent.run('tally({ who: "again" })')).output).toBe("'again'");
  });

  it('lets a result the worker posted before a late watchdog win, and keeps the worker', async () => {
    const pool = watchdogPool();
    const worker = pool.place();
    const session = await SandboxSession.open(worker, resolveLimits({}), ['stall']);
    let stalledPast = false;

    const outcome = await session.execute({
      code: 'stall(); 6 * 7',
      typescript: false,
      signal: undefined,
      seed: [1, 2, 3, 4],
      // Both callbacks run in one check phase of the event loop, the reply going out between them (Node
      // drains microtasks after each). The thread then stays busy until the worker has finished and the
      // watchdog is overdue; its next turn runs the overdue timer before it reads any message.
      onToolCall: () =>
        new Promise((resolve) => {
          // The watchdog was armed when the execution started, before this call.
          const overdue = performance.now() + WATCHDOG_MS + 50;
          setImmediate(() => resolve({ ok: true, kind: 'undefined' }));
          setImmediate(() => {
            const giveUp = performance.now() + 20_000;
            while ((!session.flightFinished || performance.now() < overdue) && performance.now() < giveUp) {
              // Busy, as a main thread running a long synchronous task.
            }
            stalledPast = session.flightFinished;
          });
        }),
    });

    expect(stalledPast).toBe(true);
    expect(outcome.lastValue).toBe('42');
    expect(outcome.timedOut).toBe(false);
    expect(outcome.reset).toBeUndefined();
    expect(worker.death).toBeUndefined();
    expect(pool.liveWorkers()).toEqual([worker]);
    session.close();
  });

  it('moves a run whose sandbox was lost while it took its seed through a step', async () => {
    const pool = watchdogPool();
    const { began, tool: begin } = beginning();
    const runaway = new JsExecutor({ tools: [begin], pool, limits: FAR_DEADLINE });
    const innocent = new JsExecutor({ pool });
    await runaway.warm();
    await innocent.run('globalThis.kept = 1');

    const looping = runaway.run('began(); for (;;) {}');
    await began;
    // A durable run's seed is a step (a PostgreSQL commit under DBOS): here it lasts until the watchdog has
    // replaced the worker that holds the innocent run's sandbox.
    const slowSeed: RunStep = async (name, work) => {
      if (name === SEED_STEP) await looping;
      return work();
    };
    const result = await innocent.run('typeof kept', { runStep: slowSeed });

    expect((await looping).output).toContain('TimeoutError');
    expect(result.output).toBe(`'undefined'\n${RESTARTED}`);
    expect((await innocent.run('typeof kept')).output).toBe("'undefined'");
  });

  it('moves the run queued behind an execution its caller gave up, and its result tells of the reset', async () => {
    const pool = watchdogPool();
    const { began, tool: begin } = beginning();
    const runaway = new JsExecutor({ tools: [begin], pool, limits: FAR_DEADLINE });
    const innocent = new JsExecutor({ pool });
    await runaway.warm();
    await innocent.run('globalThis.kept = 1');

    const looping = runaway.run('began(); for (;;) {}');
    await began;
    const controller = new AbortController();
    const givenUp = innocent.run('2', { signal: controller.signal });
    // Without a step seam, the run reaches its sandbox in microtasks: after one turn of the event loop its
    // execution waits in the worker, behind the loop.
    await new Promise((resolve) => setImmediate(resolve));
    const reason = new Error('the user left');
    controller.abort(reason);
    await expect(givenUp).rejects.toBe(reason);
    // It waits for the given-up execution to stop, which happens when the watchdog replaces the worker.
    const next = await innocent.run('typeof kept');

    expect((await looping).output).toContain('TimeoutError');
    expect(next.output).toBe(`'undefined'\n${RESTARTED}`);
    expect((await innocent.run('typeof kept')).output).toBe("'undefined'");
  });

  it('says that a sandbox being created was lost, not moved, when warm() meets a runaway neighbour', async () => {
    const pool = watchdogPool();
    const { began, tool: begin } = beginning();
    const runaway = new JsExecutor({ tools: [begin], pool, limits: FAR_DEADLINE });
    const late = new JsExecutor({ pool });
    await runaway.warm();

    const looping = runaway.run('began(); for (;;) {}');
    await began;
    const warming = late.warm().catch((error: unknown) => error);

    expect((await looping).output).toContain('TimeoutError');
    const failure = await warming;
    expect(SandboxError.isInstance(failure)).toBe(true);
    expect((failure as Error).message).toContain('this sandbox was still being created on it and did nothing wrong');
    expect((failure as Error).message).not.toContain('moved');
    // The executor is not spoilt: its first run opens a fresh sandbox.
    expect((await late.run('1 + 1')).output).toBe('2');
  });
});
