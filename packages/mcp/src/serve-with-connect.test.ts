import { fileURLToPath } from 'node:url';
import { ToolInputError } from '@tinyagent/core';
import { ReactAgent } from '@tinyagent/react-agent';
import { createScriptedModel } from '@tinyagent/testing';
import type { RecordedChatRequest } from '@tinyagent/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { connectMcp } from './client/connect-mcp.ts';
import { serveMcp } from './serve/serve-mcp.ts';
import { LEAKED_KEY, createTestTools } from './serve/test-tools.ts';

// Both halves of the package against each other: TinyAgent tools served with serveMcp, used by an
// agent through connectMcp, over Streamable HTTP on 127.0.0.1 and over stdio.

const STDIO_SERVER = fileURLToPath(new URL('./serve/stdio-test-server.ts', import.meta.url));

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.allSettled(cleanups.splice(0).map((cleanup) => cleanup()));
});

const watcher = { started: () => undefined, aborted: () => undefined };

function toolResults(request: RecordedChatRequest): string[] {
  return request.messages.filter((message) => message.role === 'tool').map((message) => message.content);
}

describe('connectMcp against serveMcp', () => {
  it('runs an agent on tools another process serves over HTTP: structured results, field paths, redacted errors', async () => {
    const server = await serveMcp(createTestTools(watcher), { name: 'served', version: '0.1.0' });
    cleanups.push(() => server.close());
    await using mcp = await connectMcp([{ name: 'served', url: server.url }]);
    const model = createScriptedModel([
      {
        toolCalls: [
          { id: 'call_sum', name: 'add', arguments: { a: 2, b: 3 } },
          { id: 'call_bad', name: 'add', arguments: { a: 2 } },
          { id: 'call_fail', name: 'explode', arguments: {} },
          { id: 'call_agent', name: 'math_agent', arguments: { task: 'What is 6 × 7?' } },
        ],
      },
      (request) => `Results: ${toolResults(request).join(' | ')}`,
    ]);
    const agent = new ReactAgent({ tools: mcp.tools, chatModel: model, toolCalling: 'native' });

    const result = await agent.run('Use the served tools.', { returnResult: true });

    const [sum, invalid, failed, answered] = result.steps[0]?.toolCalls ?? [];
    expect(result.state).toBe('completed');
    expect(mcp.tools.map((entry) => entry.name)).toEqual(expect.arrayContaining(['add', 'explode', 'math_agent']));
    expect(JSON.parse(sum?.output ?? '')).toEqual({ sum: 5 });
    // Our client checks the arguments against the schema the server lists, before any call.
    expect(invalid).toMatchObject({ isError: true });
    expect(invalid?.output).toContain('b:');
    expect(failed).toMatchObject({ isError: true });
    expect(failed?.output).toContain('upstream refused key');
    expect(result.output).not.toContain(LEAKED_KEY);
    expect(answered?.output).toBe('42');
  });

  it('refuses arguments that break the served schema with a ToolInputError naming the field', async () => {
    const server = await serveMcp(createTestTools(watcher), { name: 'served', version: '0.1.0' });
    cleanups.push(() => server.close());
    await using mcp = await connectMcp([{ name: 'served', url: server.url }]);
    const add = mcp.tools.find((entry) => entry.name === 'add');

    await expect(add?.run({ a: 1, b: 'two' })).rejects.toSatisfy(
      (error: unknown) => ToolInputError.isInstance(error) && error.message.includes('b'),
    );
    await expect(add?.run({ a: 1, b: 2 })).resolves.toBe('{"sum":3}');
  });

  it('spawns a served stdio server and calls its tools', async () => {
    await using mcp = await connectMcp([
      { name: 'stdio', command: process.execPath, args: ['--conditions=@tinyagent/source', STDIO_SERVER] },
    ]);
    const echo = mcp.tools.find((entry) => entry.name === 'echo');

    await expect(echo?.run({ text: 'hello over stdio' })).resolves.toBe('hello over stdio');
  });
});
