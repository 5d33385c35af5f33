import { tool, z } from '@tinyagent/core';
import { afterAll, describe, expect, it } from 'vitest';
import { JsExecutor } from './js-executor.ts';

// Every attempt must be contained: the code gets an error or harmless data, nothing of the host
// changes, and the next execution in the same sandbox works. The limits are small so that the
// attempts that run into them finish quickly.

const lookup = tool({
  name: 'lookup',
  description: 'Returns a record.',
  parameters: z.object({ id: z.string() }),
  execute: ({ id }) => ({ id, tags: ['a', 'b'], nested: { deep: true } }),
});

const failing = tool({
  name: 'failing',
  description: 'Always throws.',
  execute: () => {
    throw new Error('tool failure');
  },
});

const executor = new JsExecutor({
  tools: [lookup, failing],
  limits: { timeoutMs: 400, memoryBytes: 32 * 1024 * 1024, maxOutputChars: 2000, maxToolCalls: 20 },
});

afterAll(() => executor.dispose());

const hostFingerprint = (): string =>
  JSON.stringify({
    proto: Object.getOwnPropertyNames(Object.prototype).sort(),
    arrayProto: Object.getOwnPropertyNames(Array.prototype).length,
    json: typeof JSON.parse,
    processExit: typeof process.exit,
    env: Object.keys(process.env).length,
    polluted: ({} as Record<string, unknown>).polluted,
  });

const attempts: { name: string; code: string; contained: RegExp }[] = [
  {
    name: 'reaches process through the Function constructor',
    code: 'const g = Function("return this")(); console.log(typeof g.process, typeof g.module, g.require.name)',
    contained: /^undefined undefined require$/,
  },
  {
    name: 'walks constructor chains from a literal to require',
    code: '({}).constructor.constructor("return typeof process + typeof module + typeof globalThis.Buffer")()',
    contained: /^'undefinedundefinedundefined'$/,
  },
  {
    name: 'walks the constructor chain of a tool function',
    code: 'lookup.constructor("return typeof process")()',
    contained: /^'undefined'$/,
  },
  {
    name: 'walks the constructor chain of a tool result',
    code: 'const r = lookup({ id: "x" }); r.constructor.constructor("return typeof process")()',
    contained: /^'undefined'$/,
  },
  {
    name: 'walks the constructor chain of a caught tool error',
    code: 'try { failing() } catch (e) { console.log(e.name, e.constructor.constructor("return typeof process")()) }',
    contained: /^ToolExecutionError undefined$/,
  },
  {
    name: 'looks for the host through the stack of a caught error',
    code: 'try { null.x } catch (e) { console.log(String(e.stack).includes("node:") || String(e.stack).includes("/work")) }',
    contained: /^false$/,
  },
  {
    name: 'imports a host module dynamically',
    code: 'await import("node:child_process")',
    contained: /ImportError: import\('node:child_process'\) is not available/,
  },
  {
    name: 'requires a host module',
    code: 'require("fs").readFileSync("/etc/passwd")',
    contained: /ImportError: require\("fs"\) is not available/,
  },
  {
    name: 'pollutes prototypes that host objects would share',
    code: 'Object.prototype.polluted = "yes"; Array.prototype.push = null; JSON.parse = () => 1; "done"',
    contained: /^'done'$/,
  },
  {
    name: 'replaces JSON.stringify to corrupt what reaches the host',
    code: 'JSON.stringify = () => "{\\"id\\":1}"; lookup({ id: "x" }).id',
    contained: /^'x'$/,
  },
  {
    name: 'passes a hostile getter to final_answer',
    code: 'final_answer({ get boom() { while (true) {} } })',
    contained: /TimeoutError/,
  },
  {
    name: 'passes a hostile toJSON to final_answer',
    code: 'final_answer({ toJSON() { throw new Error("toJSON attack") } })',
    contained: /^\(nothing was printed/,
  },
  {
    name: 'passes a Proxy whose traps loop forever to console.log',
    code: 'console.log(new Proxy({}, { ownKeys() { for (;;) {} } }))',
    contained: /TimeoutError/,
  },
  { name: 'loops forever', code: 'while (true) {}', contained: /TimeoutError: the code ran longer than 400 ms/ },
  { name: 'loops forever after an await', code: 'await null; for (;;) {}', contained: /TimeoutError/ },
  {
    name: 'loops forever in a microtask it does not await',
    code: 'Promise.resolve().then(() => { for (;;) {} }); "scheduled"',
    contained: /TimeoutError/,
  },
  {
    name: 'floods the microtask queue with callbacks that reschedule themselves',
    code: 'function again() { Promise.resolve().then(again) } again(); "flood"',
    contained: /TimeoutError/,
  },
  { name: 'awaits a promise nothing can resolve', code: 'await new Promise(() => {})', contained: /can never settle/ },
  {
    name: 'allocates one huge block',
    code: 'const huge = new Uint8Array(1024 * 1024 * 1024); huge.length',
    contained: /RangeError|InternalError: out of memory/,
  },
  {
    name: 'allocates many small objects',
    code: 'globalThis.hoard = []; for (;;) hoard.push({ n: hoard.length })',
    contained: /out of memory|TimeoutError/,
  },
  {
    name: 'builds an ever longer string',
    code: 'let s = "x"; for (;;) s += s',
    contained: /out of memory|string too long|RangeError/,
  },
  {
    name: 'recurses without end',
    code: 'function down(n) { return down(n + 1) + 1 } down(0)',
    contained: /InternalError: stack overflow/,
  },
  {
    name: 'nests JSON deeper than the stack allows',
    code: 'JSON.parse("[".repeat(200000) + "]".repeat(200000))',
    // Which limit the parser meets first, the stack or the 32 MiB heap, depends on what earlier
    // attempts left in the runtime; either way the sandbox stops it and the host is untouched.
    contained: /stack overflow|out of memory/,
  },
  {
    name: 'floods the output',
    code: 'for (let i = 0; i < 5000; i++) console.log("spam".repeat(10))',
    contained: /\[output cut at 2000 characters\]$/,
  },
  {
    name: 'calls tools more often than allowed',
    code: 'for (let i = 0; i < 100; i++) lookup({ id: String(i) })',
    contained: /ToolCallLimitError: More than 20 tool calls/,
  },
  {
    name: 'catches the tool call limit and keeps calling',
    code: 'for (let i = 0; i < 1000; i++) { try { lookup({ id: "x" }) } catch {} } "kept going"',
    contained: /^'kept going'$/,
  },
  {
    name: 'catches the interrupt and keeps running',
    code: 'for (;;) { try { for (;;) {} } catch (e) {} }',
    contained: /TimeoutError/,
  },
  {
    name: 'reads the environment through globals',
    code: 'typeof process === "undefined" && typeof Deno === "undefined" && typeof Bun === "undefined" && typeof std === "undefined" && typeof os === "undefined"',
    contained: /^true$/,
  },
];

describe('sandbox security', () => {
  const before = hostFingerprint();

  it.each(attempts)('contains code that $name', async ({ code, contained }) => {
    const result = await executor.run(code);

    expect(result.output).toMatch(contained);
    expect(result.isFinal && result.answer?.includes('toJSON attack')).not.toBe(true);
    expect(hostFingerprint()).toBe(before);
    const next = await executor.run('40 + 2');
    expect(next.output).toBe('42');
  });

  it('has at least twenty attempts', () => {
    expect(attempts.length).toBeGreaterThanOrEqual(20);
  });

  it('gives the code no way around the recorded clock and seed', async () => {
    // A journal from 1970 with one seed: any value of today's clock, or any draw that is not the
    // seeded sequence, is a read that went around the recording.
    const runStep = <Result>(name: string): Promise<Result> =>
      Promise.resolve((name === 'code/seed' ? [7, 7, 7, 7] : 0) as Result);
    const reads = [
      'Date.now()',
      'new Date().getTime()',
      'Date.parse(Date())',
      'Date.prototype.constructor.now()',
      'new (Object.getPrototypeOf(new Date()).constructor)().getTime()',
      'Object.getPrototypeOf(class extends Date {}).now()',
      'new (class extends Date {})().getTime()',
      'Reflect.construct(Date, []).valueOf()',
      'eval("Date.now()")',
      'Function("return new Date().getTime()")()',
      '(0, Date.now.bind(null))()',
      'Object.getOwnPropertyDescriptor(globalThis, "Date").value.now()',
    ];
    const clock = await executor.run(`[${reads.join(', ')}].filter((time) => time !== 0).length`, { runStep });
    const draws =
      'const first = Math.random(); Math.random = () => 0.5; [first, Object.getPrototypeOf(Math).random, globalThis.crypto, globalThis.performance, globalThis.Intl]';
    const seeded = await executor.run(draws, { runStep });
    const seededAgain = await executor.run(draws, { runStep });
    // The code may replace Math.random for itself, as it may any global, and the sandbox keeps its
    // replacement: a replay re-executes that code too, so it stays deterministic.
    const afterwards = await executor.run('Math.random()', { runStep });

    expect(clock.output).toBe('0');
    expect(seeded.output).toMatch(/^\[ 0\.\d+, undefined, undefined, undefined, undefined \]$/);
    expect(seededAgain.output).toBe('[ 0.5, undefined, undefined, undefined, undefined ]');
    expect(afterwards.output).toBe('0.5');
  });
});
