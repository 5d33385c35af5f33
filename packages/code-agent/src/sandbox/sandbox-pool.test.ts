import { ConfigurationError, tool, z } from '@tinyagent/core';
import { describe, expect, it } from 'vitest';
import { JsExecutor } from './js-executor.ts';
import { SandboxError } from './sandbox-error.ts';
import { resolveLimits } from './sandbox-limits.ts';
import { createSandboxPool, resolvePool } from './sandbox-pool.ts';
import { SandboxSession } from './sandbox-session.ts';

const echo = tool({
  name: 'echo',
  description: 'Returns its text.',
  parameters: z.object({ text: z.string() }),
  execute: ({ text }) => `echo of ${text}`,
});

function executors(count: number, options: ConstructorParameters<typeof JsExecutor>[0]): JsExecutor[] {
  return Array.from({ length: count }, () => new JsExecutor(options));
}

describe('the sandbox pool', () => {
  it('refuses a worker count that is not an integer from 1 to 256, and unknown options', () => {
    for (const workers of [0, 1.5, 257, '2', Number.NaN]) {
      expect(() => createSandboxPool({ workers: workers as number })).toThrow(
        /createSandboxPool: workers must be an integer from 1 to 256; got .*\. Leave it out for one worker per core/,
      );
    }
    expect(() => createSandboxPool({ threads: 2 } as never)).toThrow(ConfigurationError);
    expect(() => createSandboxPool({ threads: 2 } as never)).toThrow("createSandboxPool: unknown option 'threads'.");
    expect(() => new JsExecutor({ pool: { workers: 2 } as never })).toThrow(
      'JsExecutor: pool must be a pool made by createSandboxPool().',
    );
    expect(() => new JsExecutor({ pools: 2 } as never)).toThrow("JsExecutor: unknown option 'pools'.");
  });

  it('places each new sandbox on the least-loaded worker, and starts no more workers than asked', async () => {
    const pool = createSandboxPool({ workers: 3 });
    const running = executors(7, { pool });

    for (const executor of running) await executor.warm();

    expect(pool.loads()).toEqual([3, 2, 2]);
    running[0]?.dispose();
    running[3]?.dispose();
    // dispose() frees the sandbox once the session settles: a turn of the event loop later.
    await new Promise((resolve) => setImmediate(resolve));
    await new JsExecutor({ pool }).warm();
    expect(pool.loads()).toEqual([2, 2, 2]);
    pool.close();
  });

  it('keeps the state, tool replies and errors of many sandboxes on one worker apart', async () => {
    const pool = createSandboxPool({ workers: 1 });
    const running = executors(40, { tools: [echo], pool });

    const set = await Promise.all(
      running.map((executor, index) =>
        executor.run(
          `globalThis.mine = ${index}; Object.prototype.polluted = ${index}; ` +
            (index % 2 === 0 ? `throw new RangeError("failure of ${index}")` : `echo({ text: "${index}" })`),
        ),
      ),
    );
    const read = await Promise.all(
      running.map((executor) => executor.run('[mine, ({}).polluted, typeof lastError === "undefined"].join()')),
    );

    expect(pool.loads()).toEqual([40]);
    set.forEach((result, index) => {
      expect(result.output).toBe(
        index % 2 === 0 ? `Execution error: RangeError: failure of ${index} (line 1)` : `'echo of ${index}'`,
      );
    });
    expect(read.map((result) => result.output)).toEqual(running.map((_, index) => `'${index},${index},true'`));
    for (const executor of running) executor.dispose();
    pool.close();
  });

  it('ends exactly the runs of a crashed worker’s sandboxes with a SandboxError, and the others finish', async () => {
    const pool = createSandboxPool({ workers: 2 });
    const internals = resolvePool(pool, 'the test');
    const crash = tool({
      name: 'crash',
      description: 'Stops the first worker, as a crash would.',
      execute: () => internals.liveWorkers()[0]?.terminate('the test crashed it'),
    });
    // Warmed one by one: the first and third land on the first worker, the second and fourth on the other.
    const [first, second, third, fourth] = executors(4, { tools: [crash, echo], pool, limits: { timeoutMs: 30_000 } });
    if (first === undefined || second === undefined || third === undefined || fourth === undefined) throw new Error();
    for (const executor of [first, second, third, fourth]) await executor.warm();
    const crashed = internals.liveWorkers()[0];
    await second.run('globalThis.kept = "state of the second"');

    const runs = await Promise.allSettled([
      first.run('crash(); for (;;) {}'),
      second.run('let all = []; for (let i = 0; i < 50; i++) all.push(echo({ text: String(i) })); all.length'),
      third.run('"queued behind the crash"'),
      fourth.run('echo({ text: "fourth" })'),
    ]);

    const [crashRun, secondRun, queuedRun, fourthRun] = runs;
    for (const ended of [crashRun, queuedRun]) {
      expect(ended.status).toBe('rejected');
      const reason: unknown = ended.status === 'rejected' ? ended.reason : undefined;
      expect(SandboxError.isInstance(reason)).toBe(true);
      expect((reason as Error).message).toBe('The sandbox worker stopped: the test crashed it.');
    }
    expect(secondRun.status === 'fulfilled' && secondRun.value.output).toBe('50');
    expect(fourthRun.status === 'fulfilled' && fourthRun.value.output).toBe("'echo of fourth'");
    // The pool replaces the worker: the crashed sandboxes' next runs start afresh on a new one.
    expect((await third.run('typeof kept')).output).toBe("'undefined'");
    expect((await second.run('kept')).output).toBe("'state of the second'");
    expect(internals.liveWorkers()).not.toContain(crashed);
    expect(pool.loads()).toEqual([1, 2]);
    pool.close();
  });

  it('tells an idle sandbox’s next run that its state went with a worker another sandbox crashed', async () => {
    const pool = createSandboxPool({ workers: 1 });
    const internals = resolvePool(pool, 'the test');
    const crash = tool({
      name: 'crash',
      description: 'Stops the worker, as a crash would.',
      execute: () => internals.liveWorkers()[0]?.terminate('the test crashed it'),
    });
    const [idle, crashing] = executors(2, { tools: [crash], pool, limits: { timeoutMs: 30_000 } });
    if (idle === undefined || crashing === undefined) throw new Error();
    await idle.run('globalThis.kept = 1');

    await expect(crashing.run('crash(); for (;;) {}')).rejects.toThrow('The sandbox worker stopped');
    const next = await idle.run('typeof kept');

    expect(next.output).toBe(
      "'undefined'\n(the sandbox had to be restarted: it was reset, and variables from earlier steps are gone.)",
    );
    // Said once: the run after it is an ordinary one.
    expect((await idle.run('globalThis.kept = 2; kept')).output).toBe('2');
    pool.close();
  });

  it('ends only the failed sandbox’s run when its worker loses it, and the worker’s other sandboxes carry on', async () => {
    const pool = createSandboxPool({ workers: 1 });
    const worker = resolvePool(pool, 'the test').place();
    const limits = resolveLimits({});
    const [lost, kept] = await Promise.all([
      SandboxSession.open(worker, limits, []),
      SandboxSession.open(worker, limits, []),
    ]);
    const execute = (session: SandboxSession, code: string): ReturnType<SandboxSession['execute']> =>
      session.execute({
        code,
        typescript: false,
        signal: undefined,
        seed: [1, 2, 3, 4],
        onToolCall: () => Promise.resolve({ ok: true, kind: 'undefined' }),
      });
    await execute(kept, 'globalThis.kept = "still here"');
    // The worker drops the sandbox behind its session's back, as a failure inside the worker would.
    worker.post({ type: 'dispose', sandboxId: lost.sandboxId });

    const failure = await execute(lost, '1').catch((error: unknown) => error);
    const survivor = await execute(kept, 'kept');

    expect(SandboxError.isInstance(failure)).toBe(true);
    expect((failure as Error).message).toBe('The sandbox failed: it no longer exists on its worker.');
    expect(survivor.lastValue).toBe("'still here'");
    expect(lost.usable).toBe(false);
    expect(pool.loads()).toEqual([1]);
    kept.close();
    pool.close();
  });

  it('delays the other sandboxes of a runaway loop’s worker by no more than the loop’s deadline', async () => {
    const pool = createSandboxPool({ workers: 1 });
    const deadlineMs = 300;
    const runaway = new JsExecutor({ pool, limits: { timeoutMs: deadlineMs } });
    const others = executors(20, { pool });
    await Promise.all([runaway, ...others].map((executor) => executor.warm()));
    const [worker] = resolvePool(pool, 'the test').liveWorkers();
    const order: string[] = [];

    const looping = runaway.run('for (;;) {}').then((result) => {
      order.push('runaway');
      return result;
    });
    const answers = others.map((other, index) =>
      other.run(`${index} * 2`).then((result) => {
        order.push(`other ${index}`);
        return result;
      }),
    );
    const [stopped, ...settled] = await Promise.all([looping, ...answers]);

    // The worker runs one execution at a time, in order: every other run waited for the loop, which its
    // deadline stopped, and none waited for a watchdog or a new worker. The exact delay is a bench figure.
    expect(stopped.output).toBe(
      `Execution error: TimeoutError: the code ran longer than ${deadlineMs} ms and was stopped`,
    );
    expect(order).toEqual(['runaway', ...others.map((_, index) => `other ${index}`)]);
    expect(settled.map((entry) => entry.output)).toEqual(others.map((_, index) => String(index * 2)));
    // The deadline stopped the loop inside its worker: no watchdog replaced the worker under the others.
    expect(resolvePool(pool, 'the test').liveWorkers()).toEqual([worker]);
    expect(pool.loads()).toEqual([21]);
    pool.close();
  });

  it('runs the executions of existing sandboxes between the creations of new ones, not after all of them', async () => {
    const pool = createSandboxPool({ workers: 1 });
    const early = new JsExecutor({ pool });
    await early.warm();
    let created = 0;
    const later = executors(30, { pool });

    const warming = later.map((executor) => executor.warm().then(() => (created += 1)));
    const result = await early.run('6 * 7');
    const createdBefore = created;
    await Promise.all(warming);

    // The execution is sent behind thirty creations, a few turns after them (the run takes its seed
    // first): on a busy machine the worker may finish a few creations before it arrives (4 seen under
    // CI's load), and then runs it next. Run after all of them, as before the worker interleaved, it
    // would see all thirty.
    expect(result.output).toBe('42');
    expect(createdBefore).toBeLessThan(15);
    expect(pool.loads()).toEqual([31]);
    pool.close();
  });

  it('refuses new sandboxes once closed, and ends the runs still on it with a SandboxError', async () => {
    const pool = createSandboxPool({ workers: 1 });
    const executor = new JsExecutor({ pool, limits: { timeoutMs: 30_000 } });
    await executor.warm();

    const running = executor.run('for (;;) {}');
    await new Promise((resolve) => setImmediate(resolve));
    pool.close();

    await expect(running).rejects.toThrow('The sandbox worker stopped: its sandbox pool was closed.');
    await expect(new JsExecutor({ pool }).run('1')).rejects.toThrow(/This sandbox pool was closed/);
  });
});
