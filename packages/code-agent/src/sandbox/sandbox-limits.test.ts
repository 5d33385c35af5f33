import { describe, expect, it } from 'vitest';
import { JsExecutor } from './js-executor.ts';
import { DEFAULT_LIMITS, resolveLimits } from './sandbox-limits.ts';

describe('sandbox limits', () => {
  it('defaults to the documented limits', () => {
    expect(resolveLimits(undefined)).toEqual({
      timeoutMs: 10_000,
      memoryBytes: 64 * 1024 * 1024,
      stackBytes: 256 * 1024,
      maxOutputChars: 50_000,
      maxToolCalls: 256,
      maxAnswerChars: 2000,
    });
    expect(resolveLimits({ timeoutMs: 500 })).toEqual({ ...DEFAULT_LIMITS, timeoutMs: 500 });
  });

  it('names the limit that is out of range', () => {
    expect(() => resolveLimits({ stackBytes: 8 * 1024 * 1024 })).toThrow(
      /stackBytes must be an integer from 65536 to 1048576/,
    );
    expect(() => resolveLimits({ maxToolCalls: 1.5 })).toThrow(/maxToolCalls/);
    expect(() => resolveLimits('fast' as never)).toThrow(/limits must be an object/);
  });

  it('resets a sandbox whose memory ran out and says that earlier state is gone', async () => {
    using executor = new JsExecutor({ limits: { memoryBytes: 32 * 1024 * 1024, timeoutMs: 5000 } });
    await executor.run('globalThis.kept = "from step 1"');

    const result = await executor.run('globalThis.hoard = []; for (;;) hoard.push(new Array(1000).fill(hoard.length))');

    expect(result.output).toMatch(/Execution error: InternalError: out of memory \(the sandbox has 32 MiB\)/);
    expect(result.output).toContain(
      '(the sandbox ran out of memory: it was reset, and variables from earlier steps are gone.)',
    );
    expect((await executor.run('typeof kept')).output).toBe("'undefined'");
  });

  it('gives deep recursion a catchable stack overflow at the configured stack size', async () => {
    using executor = new JsExecutor({ limits: { stackBytes: 1024 * 1024 } });

    const result = await executor.run(
      'let depth = 0; function down() { depth++; down() } try { down() } catch (error) { console.log(error.message, depth > 1000) }',
    );

    expect(result.output).toBe('stack overflow true');
  });

  it('stops code at the configured time limit, including time spent waiting', async () => {
    using executor = new JsExecutor({ limits: { timeoutMs: 150 } });

    const result = await executor.run('const end = Date.now() + 60_000; while (Date.now() < end) {}');

    // The loop spins for a minute; the result arriving at all (within the test's timeout) is the stop at work.
    expect(result.output).toBe('Execution error: TimeoutError: the code ran longer than 150 ms and was stopped');
  });

  it('does not call an error that cannot be read out of memory, and keeps the sandbox', async () => {
    using executor = new JsExecutor();
    await executor.run('globalThis.kept = "from step 1"');
    const throwing =
      'const error = new Error("x"); Object.defineProperty(error, "message", { get() { throw 1 } }); throw error';

    const getter = await executor.run(throwing);
    const proxy = await executor.run('throw new Proxy(new Error("x"), { get() { throw 1 } })');

    expect(getter.output).toBe('Execution error: Uncaught: [the thrown value could not be shown]');
    expect(proxy.output).toBe('Execution error: Uncaught: [the thrown value could not be shown]');
    expect((await executor.run('kept')).output).toBe("'from step 1'");
  });

  it('reports a timeout, not memory, when reading the thrown error runs past the deadline', async () => {
    using executor = new JsExecutor({ limits: { timeoutMs: 150 } });
    await executor.run('globalThis.kept = "from step 1"');

    const result = await executor.run(
      'const error = new Error("x"); Object.defineProperty(error, "message", { get() { for (;;) {} } }); throw error',
    );

    expect(result.output).toBe('Execution error: TimeoutError: the code ran longer than 150 ms and was stopped');
    expect((await executor.run('kept')).output).toBe("'from step 1'");
  });
});
