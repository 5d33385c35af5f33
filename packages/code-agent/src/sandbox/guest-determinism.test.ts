import { afterAll, describe, expect, it } from 'vitest';
import { MAX_RECORDED_CLOCK_READS } from './execution-state.ts';
import { JsExecutor } from './js-executor.ts';
import type { RunStep } from './execution-inputs.ts';

// A step seam that answers from a fixed journal, as a replay does; it never runs the work, and a step
// missing from the journal fails the execution.
function fromJournal(entries: Record<string, unknown>, asked: string[] = []): RunStep {
  return <Result>(name: string): Promise<Result> => {
    asked.push(name);
    if (!(name in entries)) return Promise.reject(new Error(`nothing recorded for ${name}`));
    return Promise.resolve(entries[name] as Result);
  };
}

// Clock reads 1 to 20 of an execution at one fixed moment, and one seed for every execution.
const JOURNAL = {
  'code/seed': [0x01234567, 0x89abcdef, 0xdeadbeef, 42],
  ...Object.fromEntries(Array.from({ length: 20 }, (_, index) => [`code/clock/${index + 1}`, 1_700_000_000_000])),
};
const FIXED_ISO = '2023-11-14T22:13:20.000Z';

const shared = new JsExecutor();
afterAll(() => shared.dispose());

describe('the guest clock and randomness', () => {
  it('reads the real clock without a step seam', async () => {
    const before = Date.now();
    const result = await shared.run('[Date.now(), new Date().getTime(), Date.parse(Date())].join(" ")');
    const after = Date.now();

    const [now, constructed, called] = result.output.replace(/'/g, '').split(' ').map(Number);
    for (const reading of [now, constructed]) {
      expect(reading).toBeGreaterThanOrEqual(before);
      expect(reading).toBeLessThanOrEqual(after);
    }
    // Date() has a resolution of one second.
    expect(called).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(called).toBeLessThanOrEqual(after);
  });

  it('draws fresh randomness for every execution and every sandbox without a step seam', async () => {
    const draw = 'JSON.stringify([Math.random(), Math.random(), Math.random()])';
    using other = new JsExecutor();

    const draws = [await shared.run(draw), await shared.run(draw), await other.run(draw)].map(
      (result) => JSON.parse(JSON.parse(result.output.replace(/^'|'$/g, '"')) as string) as number[],
    );

    expect(new Set(draws.flat()).size).toBe(9);
    for (const value of draws.flat()) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    }
    // 53 random bits, like the built-in: not all of them multiples of 2^-32.
    expect(draws.flat().some((value) => !Number.isInteger(value * 2 ** 32))).toBe(true);
  });

  it('repeats the same Math.random sequence from the same seed, in a fresh sandbox and in every execution', async () => {
    const draw = 'console.log(Math.random(), Math.random(), Math.random())';
    using first = new JsExecutor();
    using second = new JsExecutor();

    const once = await first.run(draw, { runStep: fromJournal(JOURNAL) });
    const again = await first.run(draw, { runStep: fromJournal(JOURNAL) });
    const elsewhere = await second.run(draw, { runStep: fromJournal(JOURNAL) });

    expect(again.output).toBe(once.output);
    expect(elsewhere.output).toBe(once.output);
    expect(new Set(once.output.trim().split(' ')).size).toBe(3);
  });

  it('takes the seed once and each clock read as its own step, in order', async () => {
    using executor = new JsExecutor();
    const asked: string[] = [];

    const result = await executor.run('console.log(Date.now(), new Date().toISOString(), Date(), Math.random())', {
      runStep: fromJournal(JOURNAL, asked),
    });

    expect(asked).toEqual(['code/seed', 'code/clock/1', 'code/clock/2', 'code/clock/3']);
    expect(result.output).toMatch(new RegExp(`^1700000000000 ${FIXED_ISO} Tue Nov 14 2023 22:13:20 GMT`));
  });

  it('stops code that reads a recorded clock more often than the limit, before the journal grows', async () => {
    using executor = new JsExecutor();
    const asked: string[] = [];
    const clock =
      (): RunStep =>
      <Result>(name: string): Promise<Result> => {
        asked.push(name);
        return Promise.resolve((name === 'code/seed' ? JOURNAL['code/seed'] : 1_700_000_000_000) as Result);
      };

    const result = await executor.run('let n = 0; while (true) { Date.now(); n += 1 }', { runStep: clock() });

    expect(result.isError).toBe(true);
    expect(result.output).toContain(`RangeError: More than ${MAX_RECORDED_CLOCK_READS} clock reads in one execution`);
    expect(asked).toHaveLength(MAX_RECORDED_CLOCK_READS + 1);
  });

  it('keeps every other behaviour of Date', async () => {
    using executor = new JsExecutor();
    const checks = [
      'new Date(0).toISOString() === "1970-01-01T00:00:00.000Z"',
      'new Date(2020, 1, 29).getDate() === 29',
      'new Date("2020-02-29T12:00:00Z").getTime() === Date.UTC(2020, 1, 29, 12)',
      'Number.isNaN(new Date(undefined).getTime())',
      'new Date(new Date(5)).getTime() === 5',
      'Date.parse("1970-01-01T00:00:01Z") === 1000',
      'typeof Date() === "string" && Date(0) === Date()',
      'new Date() instanceof Date && Object.getPrototypeOf(new Date()) === Date.prototype',
      'Date.prototype.constructor === Date && new Date().constructor === Date',
      'Date.name === "Date" && Date.length === 7 && Date.now.name === "now" && Math.random.name === "random"',
      'String(Date).includes("[native code]") && String(Date.now).includes("[native code]")',
      'String(Math.random).includes("[native code]")',
      '(() => { class Stamp extends Date { year() { return this.getUTCFullYear() } } const s = new Stamp(); return s instanceof Stamp && s instanceof Date && s.year() === 2023 && new Stamp(0).year() === 1970 })()',
      'Reflect.construct(Date, []).getTime() === Date.now()',
      '(() => { try { new Date.now(); return false } catch (error) { return error instanceof TypeError } })()',
    ];

    const result = await executor.run(`[${checks.join(',\n')}].map((ok, i) => ok ? '' : 'failed ' + i).join('')`, {
      runStep: fromJournal(JOURNAL),
    });

    expect(result.output).toBe("''");
  });

  it('stops the execution and rejects with the step runner’s error when a clock read fails', async () => {
    using executor = new JsExecutor();
    const journal = { 'code/seed': [1, 2, 3, 4], 'code/clock/1': 0 };

    const running = executor.run('try { Date.now(); Date.now() } catch {} while (true) {}', {
      runStep: fromJournal(journal),
    });

    await expect(running).rejects.toThrow('nothing recorded for code/clock/2');
    // The executor stays usable: the next execution runs in the same sandbox.
    expect((await executor.run('1 + 1')).output).toBe('2');
  });

  it('refuses a recorded seed that is not four unsigned 32-bit integers', async () => {
    using executor = new JsExecutor();

    const running = executor.run('Math.random()', { runStep: fromJournal({ 'code/seed': [1, 2, 3] }) });

    await expect(running).rejects.toThrow(/step 'code\/seed' with \[1,2,3\], which is not a seed/);
  });
});
