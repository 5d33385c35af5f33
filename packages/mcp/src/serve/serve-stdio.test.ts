import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterEach, describe, expect, it } from 'vitest';
import { LEAKED_KEY } from './test-tools.ts';

// The official SDK client spawns the stdio test server (serveMcp with transport 'stdio') as a
// child process running the TypeScript sources, as an MCP host would spawn a server.

const SERVER_SCRIPT = fileURLToPath(new URL('./stdio-test-server.ts', import.meta.url));

const clients: Client[] = [];
afterEach(async () => {
  await Promise.allSettled(clients.splice(0).map((client) => client.close()));
});

// The child's stderr, line by line: where the slow tool reports, and where logs go.
function watchLines(stream: Readable) {
  const lines: string[] = [];
  const waiters: { line: string; resolve: () => void }[] = [];
  createInterface({ input: stream }).on('line', (line) => {
    lines.push(line);
    for (const waiter of waiters.filter((entry) => entry.line === line)) waiter.resolve();
  });
  const seen = (line: string): Promise<void> =>
    lines.includes(line) ? Promise.resolve() : new Promise((resolve) => waiters.push({ line, resolve }));
  return { lines, seen };
}

async function spawnServer() {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ['--conditions=@tinyagent/source', SERVER_SCRIPT],
    stderr: 'pipe',
  });
  const stderr = watchLines(transport.stderr as Readable);
  const client = new Client({ name: 'serve-stdio-test', version: '0.1.0' });
  clients.push(client);
  await client.connect(transport);
  return { client, stderr };
}

describe('serveMcp over stdio', () => {
  it('lists the tools and answers calls, with structured content, errors and an agent', async () => {
    const { client } = await spawnServer();

    const { tools } = await client.listTools();
    const sum = await client.callTool({ name: 'add', arguments: { a: 1, b: 2 } });
    const invalid = await client.callTool({ name: 'add', arguments: { a: 1 } });
    const failed = await client.callTool({ name: 'explode', arguments: {} });
    const answered = await client.callTool({ name: 'math_agent', arguments: { task: 'What is 6 × 7?' } });

    expect(client.getServerVersion()).toMatchObject({ name: 'stdio-test', version: '0.1.0' });
    expect(tools.find((entry) => entry.name === 'add')?.outputSchema).toMatchObject({ type: 'object' });
    expect(sum.structuredContent).toEqual({ sum: 3 });
    expect(invalid).toMatchObject({
      isError: true,
      content: [{ text: "Invalid arguments for tool 'add': b: Invalid input: expected number, received undefined" }],
    });
    expect(failed.isError).toBe(true);
    expect(JSON.stringify(failed.content)).not.toContain(LEAKED_KEY);
    expect(answered.content).toEqual([{ type: 'text', text: '42' }]);
  });

  it("aborts the tool's signal when the client cancels the call (notifications/cancelled)", async () => {
    const { client, stderr } = await spawnServer();
    const controller = new AbortController();

    const call = client.callTool({ name: 'slow', arguments: {} }, { signal: controller.signal });
    await stderr.seen('slow: started');
    controller.abort(new Error('The user changed their mind.'));

    await expect(call).rejects.toThrow();
    await stderr.seen('slow: aborted');
  });
});
