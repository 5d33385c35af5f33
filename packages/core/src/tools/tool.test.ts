import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { z as zod3 } from 'zod3';
import { ConfigurationError, ToolExecutionError, ToolInputError } from '../errors.ts';
import { registerSecret } from '../secrets.ts';
import { callTool, createRunScope, isTool, tool } from './tool.ts';
import type { Tool, ToolContext } from './tool.ts';

afterEach(() => {
  vi.unstubAllEnvs();
});

const echo = tool({
  name: 'echo',
  description: 'Returns what it is given.',
  parameters: z.object({ value: z.unknown() }),
  execute: ({ value }) => value,
});

const save = tool({
  name: 'save_items',
  description: 'Saves items.',
  parameters: z.object({ items: z.array(z.object({ name: z.string() })) }),
  execute: ({ items }) => items.length,
});

/** A tool that reports when it has started and then waits, ignoring its signal, until never. */
function createHangingTool(options: { timeoutMs?: number } = {}) {
  const started = Promise.withResolvers<ToolContext>();
  const hanging = tool({
    name: 'hang',
    description: 'Never finishes.',
    ...options,
    execute: async (_args, context) => {
      started.resolve(context);
      await new Promise<never>(() => undefined);
    },
  });
  return { hanging, started: started.promise };
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('expected a rejection'),
    (error: unknown) => error,
  );
}

describe('tool arguments', () => {
  it('rejects arguments the schema refuses with a ToolInputError leading to the field', async () => {
    const error = await rejectionOf(save.run({ items: [{ name: 'a' }, { name: 3 }] }));

    expect(ToolInputError.isInstance(error)).toBe(true);
    const inputError = error as ToolInputError;
    expect(inputError.toolName).toBe('save_items');
    expect(inputError.issues[0]!.path).toEqual(['items', 1, 'name']);
    expect(inputError.message).toContain("Invalid arguments for tool 'save_items'");
    expect(inputError.message).toContain('items[1].name:');
  });

  it('treats a null or undefined payload as no arguments', async () => {
    const noArguments = tool({ name: 'now', description: 'Says hi.', execute: () => 'hi' });

    await expect(noArguments.run(null)).resolves.toBe('hi');
    await expect(noArguments.run(undefined)).resolves.toBe('hi');
    expect(noArguments.parse(null)).toEqual({});
  });

  it.each([
    ['a string', 'value'],
    ['an array', [1, 2]],
    ['a number', 42],
  ])('refuses %s as payload, asking for an object of named arguments', async (kind, payload) => {
    const error = await rejectionOf(echo.run(payload));

    expect(ToolInputError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain(`expected a JSON object of named arguments, received ${kind}`);
  });

  it('validates synchronously with parse(), applying defaults', () => {
    const paged = tool({
      name: 'page',
      description: 'Pages.',
      parameters: z.object({ page: z.number().default(1) }),
      execute: ({ page }) => page,
    });

    expect(paged.parse({})).toEqual({ page: 1 });
    expect(() => paged.parse({ page: 'two' })).toThrow(ToolInputError);
  });
});

describe('tool isAsync', () => {
  it('is true for async functions and false for sync ones, even one returning a promise', () => {
    const asyncTool = tool({ name: 'a', description: 'd', execute: async () => Promise.resolve(1) });
    const syncTool = tool({ name: 's', description: 'd', execute: () => 1 });
    const promiseTool = tool({ name: 'p', description: 'd', execute: () => Promise.resolve(1) });

    expect(asyncTool.isAsync).toBe(true);
    expect(syncTool.isAsync).toBe(false);
    expect(promiseTool.isAsync).toBe(false);
  });
});

describe('tool run results', () => {
  it.each([
    ['a string as is', 'plain text', 'plain text'],
    ['null as "null"', null, 'null'],
    ['undefined as "null"', undefined, 'null'],
    ['a number as its literal', 3.5, '3.5'],
    ['an object as JSON', { a: 1, b: [true] }, '{"a":1,"b":[true]}'],
    ['an array as JSON', [{ x: 'y' }], '[{"x":"y"}]'],
  ])('returns %s', async (_case, value, expected) => {
    const text = await echo.run({ value });

    expect(text).toBe(expected);
    expect(text).not.toContain('[object Object]');
  });

  it('rejects, never hangs, when its result cannot be turned into text at all', async () => {
    const untouchable = new Proxy(
      {},
      {
        getPrototypeOf: () => {
          throw new Error('no prototype for you');
        },
      },
    );
    // Async, so that the text is made after a turn, away from the call's own try.
    const odd = tool({ name: 'odd', description: 'd', execute: async () => Promise.resolve(untouchable) });
    await expect(odd.run({})).rejects.toThrow('no prototype for you');
  });

  it('wraps a thrown error in a ToolExecutionError with the original as cause', async () => {
    const failure = new RangeError('divisor is zero');
    const divide = tool({
      name: 'divide',
      description: 'Divides.',
      execute: () => {
        throw failure;
      },
    });

    const error = await rejectionOf(divide.run({}));

    expect(error).toBeInstanceOf(ToolExecutionError);
    expect((error as ToolExecutionError).toolName).toBe('divide');
    expect((error as ToolExecutionError).cause).toBe(failure);
    expect((error as Error).message).toBe("Tool 'divide' failed: RangeError: divisor is zero");
  });

  it('redacts known secrets from what a tool returns and from the message of its failure', async () => {
    registerSecret('sk-tool-secret-0123');
    const leaky = tool({
      name: 'leaky',
      description: 'Echoes a key, or fails with it.',
      parameters: z.object({ fail: z.boolean() }),
      execute: ({ fail }) => {
        if (fail) throw new Error('upstream refused sk-tool-secret-0123');
        return { config: { key: 'sk-tool-secret-0123' } };
      },
    });

    expect(await leaky.run({ fail: false })).toBe('{"config":{"key":"[redacted]"}}');
    expect(((await rejectionOf(leaky.run({ fail: true }))) as Error).message).toBe(
      "Tool 'leaky' failed: upstream refused [redacted]",
    );
  });

  it("redacts the environment's key as it is at each call, even one set during a run", async () => {
    const run = createRunScope();
    vi.stubEnv('OPENAI_API_KEY', 'sk-env-tool-run-1');
    expect(await echo.run({ value: 'sk-env-tool-run-1' }, { run })).toBe('[redacted]');
    vi.stubEnv('OPENAI_API_KEY', 'sk-env-tool-run-2');
    expect(await echo.run({ value: 'sk-env-tool-run-2' }, { run })).toBe('[redacted]');
  });

  it('wraps even thrown values whose fields throw in a ToolExecutionError', async () => {
    const proxy = new Proxy(
      {},
      {
        get() {
          throw new Error('proxy refuses');
        },
      },
    );
    const mute = Object.defineProperty(new Error('mute'), 'message', {
      get() {
        throw new Error('message refuses');
      },
    });
    const throwing = (value: unknown): Tool =>
      tool({
        name: 'hostile',
        description: 'Throws what it is given.',
        execute: () => {
          throw value;
        },
      });

    const errors = [await rejectionOf(throwing(proxy).run({})), await rejectionOf(throwing(mute).run({}))];

    expect(errors.every((error) => ToolExecutionError.isInstance(error))).toBe(true);
    expect(errors.map((error) => (error as Error).message)).toEqual([
      "Tool 'hostile' failed: threw {}",
      "Tool 'hostile' failed: it threw a value that cannot be described",
    ]);
  });

  it('wraps a rejection of an async tool the same way', async () => {
    const failure = new Error('service unavailable');
    const fetchTool = tool({ name: 'fetch', description: 'Fetches.', execute: async () => Promise.reject(failure) });

    const error = await rejectionOf(fetchTool.run({}));

    expect(ToolExecutionError.isInstance(error)).toBe(true);
    expect((error as Error).cause).toBe(failure);
    expect((error as Error).message).toContain('service unavailable');
  });
});

describe('tool timeouts and aborts', () => {
  it('fails with a ToolExecutionError naming the timeout and aborts the tool signal', async () => {
    const { hanging, started } = createHangingTool({ timeoutMs: 5 });

    const error = await rejectionOf(hanging.run({}));
    const context = await started;

    expect(ToolExecutionError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe("Tool 'hang' failed: timed out after 5 ms");
    expect((error as ToolExecutionError).timedOut).toBe(true);
    expect(context.signal.aborted).toBe(true);
    expect(context.signal.reason).toBe(error);
  });

  it('rejects with the abort reason when the caller aborts a pending tool, aborting its signal', async () => {
    const { hanging, started } = createHangingTool();
    const controller = new AbortController();
    const reason = new Error('run cancelled');

    const running = hanging.run({}, { signal: controller.signal });
    const context = await started;
    controller.abort(reason);

    await expect(running).rejects.toBe(reason);
    expect(context.signal.aborted).toBe(true);
    expect(context.signal.reason).toBe(reason);
  });

  it('rejects at once without calling execute when the signal is already aborted', async () => {
    const execute = vi.fn(() => 'ran');
    const idle = tool({ name: 'idle', description: 'd', execute });

    await expect(idle.run({}, { signal: AbortSignal.abort(new Error('too late')) })).rejects.toThrow('too late');
    expect(execute).not.toHaveBeenCalled();
  });
});

describe('callTool', () => {
  const echo = tool({
    name: 'echo',
    description: 'd',
    inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
    execute: (args: Record<string, unknown>) => args.text,
  });

  it('answers with a promise that rejects, never a throw, for bad arguments, an unknown tool or an aborted signal', async () => {
    const stranger = { ...echo } as Tool;
    const calls = [
      (): Promise<unknown> => callTool(echo, [1, 2]),
      (): Promise<unknown> => callTool(echo, { text: 3 }),
      (): Promise<unknown> => callTool(stranger, { text: 'hi' }),
      (): Promise<unknown> => callTool(echo, { text: 'hi' }, { signal: AbortSignal.abort(new Error('gone')) }),
    ];
    const outcomes = calls.map((call) => call());
    for (const outcome of outcomes) expect(outcome).toBeInstanceOf(Promise);
    const settled = await Promise.allSettled(outcomes);
    expect(settled.map((entry) => entry.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
    expect(settled.map((entry): unknown => (entry as PromiseRejectedResult).reason)).toMatchObject([
      expect.any(ToolInputError),
      expect.any(ToolInputError),
      expect.any(ConfigurationError),
      { message: 'gone' },
    ]);
  });

  it('fails a tool that throws synchronously like one that rejects, and keeps its deadline timer off', async () => {
    const thrower = tool({
      name: 'thrower',
      description: 'd',
      timeoutMs: 60_000,
      execute: () => {
        throw new Error('sync failure');
      },
    });
    vi.useFakeTimers();
    try {
      const pending = callTool(thrower, {});
      expect(vi.getTimerCount()).toBe(0);
      await expect(pending).rejects.toThrow(ToolExecutionError);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('tool jsonSchema', () => {
  it('describes the input view: defaults optional, descriptions kept, no $schema', () => {
    const search = tool({
      name: 'search',
      description: 'Searches.',
      parameters: z.object({ query: z.string().describe('What to look for'), limit: z.number().default(5) }),
      execute: () => [],
    });

    expect(search.jsonSchema).not.toHaveProperty('$schema');
    expect(search.jsonSchema).toMatchObject({
      type: 'object',
      required: ['query'],
      properties: { query: { type: 'string', description: 'What to look for' }, limit: { type: 'number', default: 5 } },
    });
  });
});

describe('tool definitions', () => {
  const valid = { name: 'ok', description: 'Fine.', execute: () => 1 };

  it.each([
    ['an invalid name', { ...valid, name: 'has space' }, /Tool name "has space" is invalid/],
    ['an over-long name', { ...valid, name: 'x'.repeat(65) }, /is invalid/],
    ['a missing description', { ...valid, description: undefined }, /needs a description/],
    ['a blank description', { ...valid, description: '  ' }, /needs a description/],
    ['parameters that are not a zod object', { ...valid, parameters: z.string() }, /must be a zod object schema/],
    ['a zero timeout', { ...valid, timeoutMs: 0 }, /timeoutMs must be a positive number/],
    ['a negative timeout', { ...valid, timeoutMs: -1 }, /timeoutMs must be a positive number/],
    ['a timeout no timer can wait', { ...valid, timeoutMs: 2 ** 31 }, /timeoutMs must be .* at most 2147483647/],
    ['an unrepresentable schema', { ...valid, parameters: z.object({ at: z.date() }) }, /cannot be described.*JSON/],
  ])('throws a ConfigurationError for %s', (_case, definition, message) => {
    expect(() => tool(definition as unknown as Parameters<typeof tool>[0])).toThrow(message);
    expect(() => tool(definition as unknown as Parameters<typeof tool>[0])).toThrow(ConfigurationError);
  });

  it('recognises tools made by tool() and nothing else', () => {
    expect(isTool(echo)).toBe(true);
    expect(isTool({ ...echo })).toBe(false);
    expect(isTool({ name: 'echo', run: () => '' })).toBe(false);
    expect(isTool(null)).toBe(false);
  });
});

describe('tool run scope', () => {
  const remember = tool({
    name: 'remember',
    description: 'Counts its calls within one run.',
    execute: (_args, { run }) => {
      const count = ((run.store.get('count') as number | undefined) ?? 0) + 1;
      run.store.set('count', count);
      return `${run.id}:${count}`;
    },
  });

  it('shares the store of the run it is given across calls', async () => {
    const run = createRunScope('run-1');

    await remember.run({}, { run });

    await expect(remember.run({}, { run })).resolves.toBe('run-1:2');
  });

  it('gives each call outside a run a scope of its own', async () => {
    await remember.run({});

    await expect(remember.run({})).resolves.toMatch(/:1$/);
  });
});

describe('the default deadline of a tool call', () => {
  it('applies the caller default to a tool without a timeoutMs of its own, and the tool own one first', async () => {
    const bare = createHangingTool().hanging;
    const bounded = createHangingTool({ timeoutMs: 5 }).hanging;

    const defaulted = await rejectionOf(bare.run({}, { defaultTimeoutMs: 5 }));
    const own = await rejectionOf(bounded.run({}, { defaultTimeoutMs: 60_000 }));

    expect((defaulted as ToolExecutionError).timedOut).toBe(true);
    expect((defaulted as Error).message).toBe("Tool 'hang' failed: timed out after 5 ms");
    expect((own as Error).message).toBe("Tool 'hang' failed: timed out after 5 ms");
  });
});

describe('zod 3 schemas', () => {
  it('refuses a zod 3 schema, saying it is zod 3 and where zod 4 comes from', () => {
    const build = (): unknown =>
      tool({
        name: 'weather',
        description: 'd',
        parameters: zod3.object({ city: zod3.string() }) as never,
        execute: () => 1,
      });

    expect(build).toThrow(ConfigurationError);
    expect(build).toThrow(/Tool 'weather': parameters is a zod 3 schema, but TinyAgent needs zod 4/);
    expect(build).toThrow(/import \{ z \} from '@tinyagent\/core'/);
  });

  it('refuses a zod 3 returns schema the same way', () => {
    expect(() =>
      tool({ name: 'weather', description: 'd', returns: zod3.number() as never, execute: () => 1 }),
    ).toThrow(/returns is a zod 3 schema/);
  });
});

describe('tools that return promises', () => {
  it('counts a tool whose returns schema is a promise as async', () => {
    const fetchPrice = tool({
      name: 'p',
      description: 'd',
      returns: z.promise(z.number()),
      execute: () => Promise.resolve(1),
    });

    expect(fetchPrice.isAsync).toBe(true);
  });
});
