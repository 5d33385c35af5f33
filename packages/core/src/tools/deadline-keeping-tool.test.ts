import { describe, expect, it, vi } from 'vitest';
import { ConfigurationError } from '../errors.ts';
import { callTool, deadlineKeepingTool, mayAbort, tool, toolTimeoutError } from './tool.ts';
import type { ToolContext } from './tool.ts';

const schema = { type: 'object', properties: {} };

/** A tool of either kind that hands back the context it was called with. */
function contextTool(keepsDeadline: boolean, timeoutMs?: number) {
  const options = {
    name: 'probe',
    description: 'd',
    inputSchema: schema,
    execute: (_args: unknown, context: ToolContext) => context,
  };
  return keepsDeadline
    ? deadlineKeepingTool({ ...options, timeoutMs: timeoutMs ?? 1_000 })
    : tool({ ...options, timeoutMs });
}

/**
 * A deadline-keeping tool of timeoutMs 5 that settles 40 ms in, with `end()`: a timer of core's would
 * have failed it first, with an error of its own.
 */
function lateTool(end: () => string) {
  return deadlineKeepingTool({
    name: 'late',
    description: 'd',
    inputSchema: schema,
    timeoutMs: 5,
    execute: async () => {
      await new Promise((resolve) => setTimeout(resolve, 40));
      return end();
    },
  });
}

describe('deadlineKeepingTool', () => {
  it('arms no timer of core, where a tool with the same timeoutMs gets one', async () => {
    vi.useFakeTimers();
    try {
      const late = { name: 'late', description: 'd', inputSchema: schema, timeoutMs: 60_000 };
      const release = Promise.withResolvers<string>();
      const kept = callTool(deadlineKeepingTool({ ...late, execute: () => release.promise }), {});
      expect(vi.getTimerCount()).toBe(0);
      const ordinary = callTool(tool({ ...late, execute: () => release.promise }), {});
      expect(vi.getTimerCount()).toBe(1);
      release.resolve('done');
      await expect(Promise.all([kept, ordinary])).resolves.toEqual(['done', 'done']);
    } finally {
      vi.useRealTimers();
    }
  });

  it("settles by the tool's own deadline: core does not fail it when its timeoutMs has passed", async () => {
    await expect(lateTool(() => 'finished').run({})).resolves.toBe('finished');
  });

  it("fails with the tool's own timeout error, which core's deadline would have beaten", async () => {
    const timedOut = toolTimeoutError('late', 5);
    const own = lateTool(() => {
      throw timedOut;
    });
    await expect(own.run({})).rejects.toBe(timedOut);
    expect(timedOut).toMatchObject({ message: "Tool 'late' failed: timed out after 5 ms", timedOut: true });
  });

  it('is async whatever its execute looks like, so the code agent refuses it', () => {
    expect(contextTool(true).isAsync).toBe(true);
    expect(contextTool(false).isAsync).toBe(false);
  });

  it('needs a timeoutMs', () => {
    const options = { name: 'x', description: 'd', inputSchema: schema, execute: () => 1 };
    expect(() => deadlineKeepingTool(options as never)).toThrow(ConfigurationError);
    expect(() => deadlineKeepingTool(options as never)).toThrow(
      "Tool 'x' keeps its own deadline, so it needs a timeoutMs.",
    );
  });
});

describe('mayAbort', () => {
  const signal = new AbortController().signal;

  it.each([
    ['a deadline-keeping tool without a caller signal', true, undefined, {}, false],
    ['a deadline-keeping tool with a caller signal', true, undefined, { signal }, true],
    ['a tool with no deadline and no caller signal', false, undefined, {}, false],
    ['a tool with a deadline of its own', false, 1_000, {}, true],
    ['a tool given a default deadline', false, undefined, { defaultTimeoutMs: 1_000 }, true],
    ['a tool with a caller signal', false, undefined, { signal }, true],
  ])('for %s is %s', async (_case, keeps, timeoutMs, options, expected) => {
    const context = (await callTool(contextTool(keeps, timeoutMs), {}, options)) as ToolContext;
    expect(mayAbort(context)).toBe(expected);
  });

  it('is true for a context core did not make', () => {
    expect(mayAbort({ signal, run: { id: 'r', store: new Map() } })).toBe(true);
  });
});
