import { ConfigurationError, registerSecret, tool, z } from '@tinyagent/core';
import { describe, expect, it } from 'vitest';
import { JsExecutor } from './js-executor.ts';
import { SandboxError } from './sandbox-error.ts';
import { createSandboxPool, resolvePool } from './sandbox-pool.ts';
import type { SandboxToolEnd, SandboxToolStart } from './tool-bridge.ts';

const search = tool({
  name: 'search',
  description: 'Searches.',
  parameters: z.object({ query: z.string() }),
  execute: ({ query }) => [{ title: `About ${query}`, rank: 1 }],
});

const shout = tool({
  name: 'shout',
  description: 'Upper-cases.',
  parameters: z.object({ text: z.string() }),
  execute: ({ text }) => text.toUpperCase(),
});

const nothing = tool({ name: 'nothing', description: 'Returns nothing.', execute: () => undefined });

describe('JsExecutor', () => {
  it('prints console output as a person would read it', async () => {
    using executor = new JsExecutor();

    const result = await executor.run(
      'console.log("text", 1, [1, "a"], { b: { c: { d: { e: 1 } } } });\nconsole.error(new Map([["k", 2]]), new Set([1]), null, undefined);\nconsole.warn(-0, 10n, () => 1, class K {});',
    );

    expect(result.output).toBe(
      "text 1 [ 1, 'a' ] { b: { c: { d: [Object] } } }\nMap(1) { 'k' => 2 } Set(1) { 1 } null undefined\n-0 10n [Function: (anonymous)] [class K]",
    );
    expect(result.isError).toBe(false);
  });

  it('keeps top-level declarations of every kind between runs, and lets them be declared again', async () => {
    using executor = new JsExecutor();

    await executor.run(
      'const a = 1; let { b, c: [d] } = { b: 2, c: [3] }; function twice(x) { return x * 2 } class Box {}',
    );
    await executor.run('const a = 10;');
    const result = await executor.run('[a, b, d, twice(4), new Box() instanceof Box]');

    expect(result.output).toBe('[ 10, 2, 3, 8, true ]');
  });

  it('calls tools with named arguments, or a bare value for one-argument tools (named before the call)', async () => {
    using executor = new JsExecutor({ tools: [search, shout, nothing] });
    const starts: SandboxToolStart[] = [];
    const ends: SandboxToolEnd[] = [];

    const result = await executor.run(
      'console.log(search({ query: "cats" })[0].title, shout("hi"), nothing(), typeof shout({ text: "x" }))',
      { onToolStart: (event) => starts.push(event), onToolEnd: (event) => ends.push(event) },
    );

    expect(result.output).toBe('About cats HI undefined string');
    expect(result.toolCalls).toBe(4);
    expect(starts.map((event) => event.arguments)).toEqual([
      { query: 'cats' },
      { text: 'hi' },
      undefined,
      { text: 'x' },
    ]);
    expect(ends[0]).toMatchObject({ toolName: 'search', output: '[{"title":"About cats","rank":1}]', isError: false });
  });

  it('hands the code the value the events and the model read as text', async () => {
    const values = tool({
      name: 'values',
      description: 'Returns values JSON has no form for.',
      execute: () => ({
        byObject: new Map([[{ id: 1 }, 'one']]),
        failure: new RangeError('too far'),
        big: 10n,
        tags: new Set(['a']),
      }),
    });
    const number = tool({ name: 'number', description: 'Returns a number.', execute: () => 42 });
    const callback = tool({ name: 'callback', description: 'Returns a function.', execute: () => () => 1 });
    using executor = new JsExecutor({ tools: [values, number, callback] });
    const ends: SandboxToolEnd[] = [];

    const result = await executor.run('console.log(JSON.stringify(values()), number() + 1, typeof callback())', {
      onToolEnd: (event) => ends.push(event),
    });

    const expected = '{"byObject":[[{"id":1},"one"]],"failure":"RangeError: too far","big":"10","tags":["a"]}';
    expect(result.output).toBe(`${expected} 43 undefined`);
    expect(ends.map((event) => event.output)).toEqual([expected, '42', '() => 1']);
  });

  it('throws tool input errors into the code, where they can be caught', async () => {
    using executor = new JsExecutor({ tools: [search] });

    const result = await executor.run(
      'try { search({ q: 1 }) } catch (error) { console.log(error.name + ": " + error.message) }',
    );

    expect(result.output).toContain("ToolInputError: Invalid arguments for tool 'search': query:");
    expect((await executor.run('search(1, 2)')).output).toContain('takes one object of named arguments');
  });

  it('redacts known secrets from tool results and failures before the code, its output or the events see them', async () => {
    registerSecret('sk-sandbox-secret-42');
    const leaky = tool({
      name: 'leaky',
      description: 'Echoes a key, or fails with it.',
      parameters: z.object({ fail: z.boolean() }),
      execute: ({ fail }) => {
        if (fail) throw new Error('upstream refused sk-sandbox-secret-42');
        return { key: 'sk-sandbox-secret-42' };
      },
    });
    using executor = new JsExecutor({ tools: [leaky] });
    const ends: SandboxToolEnd[] = [];

    const result = await executor.run(
      'console.log(leaky({ fail: false }).key); try { leaky({ fail: true }) } catch (error) { console.log(error.message) }',
      { onToolEnd: (event) => ends.push(event) },
    );

    expect(result.output).toBe("[redacted]\nTool 'leaky' failed: upstream refused [redacted]");
    // What a model would read, as for every agent's tool calls: the failure starts with `Error:`.
    expect(ends.map((event) => event.output)).toEqual([
      '{"key":"[redacted]"}',
      "Error: Tool 'leaky' failed: upstream refused [redacted]",
    ]);
  });

  it('reports a tool that throws a value which cannot even be described, without crashing the process', async () => {
    const mute = Object.defineProperty(new Error('mute'), 'message', {
      get() {
        throw new Error('message refuses');
      },
    });
    const throwsMute = tool({
      name: 'throws_mute',
      description: 'Throws an error whose message getter throws.',
      execute: () => {
        throw mute;
      },
    });
    using executor = new JsExecutor({ tools: [throwsMute] });

    const result = await executor.run('try { throws_mute() } catch (error) { console.log(error.message) }');

    expect(result.output).toBe("Tool 'throws_mute' failed: it threw a value that cannot be described");
  });

  it('returns the final answer as a JSON copy and as text', async () => {
    using executor = new JsExecutor({ limits: { maxAnswerChars: 10 } });

    const result = await executor.run('final_answer({ list: [1, 2, 3], when: new Date(0) })');

    expect(result.isFinal).toBe(true);
    expect(result.value).toEqual({ list: [1, 2, 3], when: '1970-01-01T00:00:00.000Z' });
    expect(result.answer).toBe('{"list":[1');
    expect(result.answerLength).toBe(50);
  });

  it('does not accept an answer when the code fails after calling final_answer', async () => {
    using executor = new JsExecutor();

    const result = await executor.run('final_answer("early");\nthrow new RangeError("late")');

    expect(result.isFinal).toBe(false);
    expect(result.output).toBe(
      'Execution error: RangeError: late (line 2)\n(final_answer was called, but the code failed afterwards, so the answer was not accepted.)',
    );
  });

  it('cuts console output at the limit with a notice', async () => {
    using executor = new JsExecutor({ limits: { maxOutputChars: 20 } });

    const result = await executor.run('for (let i = 0; i < 10; i++) console.log("line " + i)');

    expect(result.output).toBe('line 0\nline 1\nline 2\n[output cut at 20 characters]');
  });

  it('rejects with the signal’s reason when aborted, and the next run still works', async () => {
    using executor = new JsExecutor({ limits: { timeoutMs: 30_000 } });
    await executor.warm();
    const controller = new AbortController();
    const reason = new Error('stop now');

    const running = executor.run('for (;;) {}', { signal: controller.signal });
    controller.abort(reason);

    await expect(running).rejects.toBe(reason);
    expect((await executor.run('"alive"')).output).toBe("'alive'");
  });

  it('rejects at once when aborted while its sandbox is still starting', async () => {
    using executor = new JsExecutor();
    const controller = new AbortController();
    const reason = new Error('stop now');
    const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

    const running = executor.run('"never run"', { signal: controller.signal });
    let settled = false;
    running.catch(() => (settled = true));
    // One turn of the event loop: the run now waits for its sandbox, which takes a worker thread
    // and a QuickJS instance to start, far longer than the next turn.
    await nextTurn();
    controller.abort(reason);
    await nextTurn();

    expect(settled).toBe(true);
    await expect(running).rejects.toBe(reason);
  });

  it('rejects at once when aborted while waiting behind another run', async () => {
    using executor = new JsExecutor();
    await executor.warm();
    const controller = new AbortController();
    const reason = new Error('stop now');

    const busy = executor.run('const end = Date.now() + 300; while (Date.now() < end) {} "done"');
    const queued = executor.run('"never run"', { signal: controller.signal });
    controller.abort(reason);
    const first = await Promise.race([queued.catch((error: unknown) => error), busy.then(() => 'busy run finished')]);

    expect(first).toBe(reason);
    expect((await busy).output).toBe("'done'");
  });

  it('turns a crashed worker into a SandboxError and continues in a fresh sandbox', async () => {
    // A pool of one worker: the executor's sandbox lands on this very worker, so the test can stop it mid-run.
    const pool = createSandboxPool({ workers: 1 });
    const worker = resolvePool(pool, 'the test').place();
    // Called from inside the execution, so the worker dies while the code runs.
    const crash = tool({
      name: 'crash',
      description: 'Stops the worker.',
      execute: () => worker.terminate('the test stopped it'),
    });
    using executor = new JsExecutor({ tools: [crash], limits: { timeoutMs: 30_000 }, pool });
    await executor.run('globalThis.before = 1');

    const error = await executor.run('crash(); for (;;) {}').catch((caught: unknown) => caught);
    expect(SandboxError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('the test stopped it');
    expect((await executor.run('typeof before')).output).toBe("'undefined'");
    pool.close();
  });

  it('refuses bad limits, async tools and uncallable names at construction', () => {
    const asyncTool = tool({ name: 'later', description: 'Async.', execute: async () => Promise.resolve(1) });

    expect(() => new JsExecutor({ limits: { memoryBytes: 1024 } })).toThrow(/memoryBytes must be an integer/);
    expect(() => new JsExecutor({ limits: { timeout: 5 } as never })).toThrow(
      "Sandbox limits: unknown option 'timeout'. Did you mean 'timeoutMs'?",
    );
    expect(() => new JsExecutor({ tools: [asyncTool] })).toThrow(ConfigurationError);
    expect(() => new JsExecutor({ tools: [search, search] })).toThrow(/two tools are named 'search'/);
  });

  it('refuses to run after dispose', async () => {
    const executor = new JsExecutor();
    executor.dispose();

    const refusal = executor.run('1');
    await expect(refusal).rejects.toBeInstanceOf(ConfigurationError);
    await expect(refusal).rejects.toThrow(/was disposed, so it cannot run code: create a new JsExecutor/);
  });

  it('refuses code that is not a string with a ConfigurationError saying what to pass', async () => {
    using executor = new JsExecutor();

    const refusal = executor.run(42 as unknown as string);
    await expect(refusal).rejects.toBeInstanceOf(ConfigurationError);
    await expect(refusal).rejects.toThrow(
      'JsExecutor.run needs the code as a string, not number: pass the source text.',
    );
  });

  it('refuses an unknown run option with a ConfigurationError, never running the code without it', async () => {
    let calls = 0;
    const counted = tool({ name: 'counted', description: 'Counts.', execute: () => ++calls });
    using executor = new JsExecutor({ tools: [counted] });

    const deadline = executor.run('counted()', { timeoutMs: 50 } as never);
    await expect(deadline).rejects.toBeInstanceOf(ConfigurationError);
    await expect(deadline).rejects.toThrow(/JsExecutor\.run: unknown option 'timeoutMs'\. .*limits: \{ timeoutMs \}/);
    await expect(executor.run('counted()', { singal: AbortSignal.abort() } as never)).rejects.toThrow(
      "Did you mean 'signal'?",
    );
    expect(calls).toBe(0);
  });
});
