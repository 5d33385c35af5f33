import { fileURLToPath } from 'node:url';
import { ToolInputError, createRunScope } from '@tinyagent/core';
import { ReactAgent } from '@tinyagent/react-agent';
import { createScriptedModel } from '@tinyagent/testing';
import type { RecordedChatRequest } from '@tinyagent/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { connectMcp } from './client/connect-mcp.ts';
import { McpServerError } from './client/mcp-server-error.ts';
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

  it('fails a call with an McpServerError when the server dropped the session (404), and refresh() opens a new one', async () => {
    const server = await serveMcp(createTestTools(watcher), { name: 'served', version: '0.1.0' });
    cleanups.push(() => server.close());
    await using mcp = await connectMcp([{ name: 'served', url: server.url }]);
    // serveMcp keeps the 100 newest sessions of 2025-era clients: 100 more push this one out.
    for (let index = 0; index < 100; index += 1) await openSession(server.url);
    const echo = mcp.tools.find((entry) => entry.name === 'echo');
    const failure = echo?.execute({ text: 'hi' }, { signal: new AbortController().signal, run: createRunScope() });

    await expect(failure).rejects.toSatisfy((error: unknown) => McpServerError.isInstance(error));
    await expect(failure).rejects.toThrow(/'served' closed the connection .*Call refresh\(\)/);
    await mcp.refresh();
    await expect(echo?.run({ text: 'hello again' })).resolves.toBe('hello again');
  });
});

// Opens a 2025-era session with a bare `initialize`, as another client would.
async function openSession(url: string): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'other', version: '1.0.0' } },
    }),
  });
  await response.text();
  if (response.headers.get('mcp-session-id') === null) throw new Error(`no session opened: ${response.status}`);
}
