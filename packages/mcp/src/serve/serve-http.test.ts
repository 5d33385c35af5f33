import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { ClientOptions } from '@modelcontextprotocol/client';
import { ConfigurationError, tool, z } from '@tinyagent/core';
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { serveMcp } from './serve-mcp.ts';
import type { McpHttpServer } from './serve-mcp.ts';
import { LEAKED_KEY, createTestTools } from './test-tools.ts';

// The official SDK client against serveMcp over Streamable HTTP on 127.0.0.1, in both protocol
// eras the client speaks: 2025 (its default) and 2026-07-28 (negotiated with mode 'auto').

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.allSettled(cleanups.splice(0).map((cleanup) => cleanup()));
});

function createSlowWatcher() {
  let onStart: () => void = () => undefined;
  let onAbort: (reason: unknown) => void = () => undefined;
  const started = new Promise<void>((resolve) => (onStart = resolve));
  const aborted = new Promise<unknown>((resolve) => (onAbort = resolve));
  return { watcher: { started: () => onStart(), aborted: (reason: unknown) => onAbort(reason) }, started, aborted };
}

async function startServer(): Promise<{ server: McpHttpServer; slow: ReturnType<typeof createSlowWatcher> }> {
  const slow = createSlowWatcher();
  const server = await serveMcp(createTestTools(slow.watcher), { name: 'http-test', version: '0.1.0' });
  cleanups.push(() => server.close());
  return { server, slow };
}

async function connect(url: string, options: ClientOptions = {}): Promise<Client> {
  const client = new Client({ name: 'serve-test', version: '0.1.0' }, options);
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  cleanups.unshift(() => client.close());
  return client;
}

// A POST with headers fetch would not let us set (Host), answered with its status.
function postStatus(url: string, headers: Record<string, string>): Promise<number | undefined> {
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' });
  return new Promise((resolve, reject) => {
    const sent = request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
      },
      (response) => {
        response.resume();
        resolve(response.statusCode);
      },
    );
    sent.on('error', reject);
    sent.end(body);
  });
}

const ERAS = [
  ['2025', {}],
  ['2026-07-28', { versionNegotiation: { mode: 'auto' } }],
] as const satisfies readonly (readonly [string, ClientOptions])[];

describe.each(ERAS)('serveMcp over HTTP, protocol %s', (_era, clientOptions) => {
  it('lists the tools with their argument and result schemas', async () => {
    const { server } = await startServer();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const client = await connect(server.url, clientOptions);

    const { tools } = await client.listTools();

    const add = tools.find((entry) => entry.name === 'add');
    expect(add?.description).toBe('Adds two numbers.');
    expect(add?.inputSchema).toMatchObject({
      type: 'object',
      properties: { a: { type: 'number' }, b: { type: 'number', description: 'The second number.' } },
      required: ['a', 'b'],
    });
    expect(add?.outputSchema).toMatchObject({ type: 'object', properties: { sum: { type: 'number' } } });
    expect(tools.find((entry) => entry.name === 'echo')?.outputSchema).toBeUndefined();
    expect(tools.map((entry) => entry.name)).toContain('math_agent');
  });

  it('answers a call with the text and, for a tool with a result schema, structured content', async () => {
    const { server } = await startServer();
    const client = await connect(server.url, clientOptions);

    const result = await client.callTool({ name: 'add', arguments: { a: 2, b: 40 } });

    expect(result.isError).not.toBe(true);
    expect(result.structuredContent).toEqual({ sum: 42 });
    expect(result.content).toEqual([{ type: 'text', text: '{"sum":42}' }]);
  });

  it("runs an agent served through asTool, its answer the call's result", async () => {
    const { server } = await startServer();
    const client = await connect(server.url, clientOptions);

    const result = await client.callTool({ name: 'math_agent', arguments: { task: 'What is 6 × 7?' } });

    expect(result.isError).not.toBe(true);
    expect(result.content).toEqual([{ type: 'text', text: '42' }]);
  });

  it('cancels a call when the client aborts it: the tool sees its signal abort', async () => {
    const { server, slow } = await startServer();
    const client = await connect(server.url, clientOptions);
    const controller = new AbortController();

    const call = client.callTool({ name: 'slow', arguments: {} }, { signal: controller.signal });
    await slow.started;
    controller.abort(new Error('The user changed their mind.'));

    await expect(call).rejects.toThrow();
    await slow.aborted;
  });

  it('aborts the calls in flight when the server closes', async () => {
    const { server, slow } = await startServer();
    const client = await connect(server.url, clientOptions);

    // How the client reports a cut connection is the SDK's business; the tool's signal is ours.
    void client.callTool({ name: 'slow', arguments: {} }).catch(() => undefined);
    await slow.started;
    await server.close();

    await slow.aborted;
  });
});

describe('serveMcp over HTTP: failures come back as isError results', () => {
  it("returns a tool's error message, its secrets redacted and no stack", async () => {
    const { server } = await startServer();
    const client = await connect(server.url);

    const result = await client.callTool({ name: 'explode', arguments: {} });

    expect(result.isError).toBe(true);
    const text = JSON.stringify(result.content);
    expect(text).toContain("Tool 'explode' failed: upstream refused key");
    expect(text).not.toContain(LEAKED_KEY);
    expect(text).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('returns invalid arguments with the field path, as an agent run reads them', async () => {
    const { server } = await startServer();
    const client = await connect(server.url);

    const result = await client.callTool({ name: 'echo', arguments: { text: 7 } });

    expect(result.isError).toBe(true);
    expect(result.content).toEqual([
      {
        type: 'text',
        text: "Invalid arguments for tool 'echo': text: Invalid input: expected string, received number",
      },
    ]);
  });

  it("fails a call whose result breaks the tool's returns schema, rather than send it", async () => {
    const { server } = await startServer();
    const client = await connect(server.url);

    const result = await client.callTool({ name: 'liar', arguments: {} });

    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBeUndefined();
    expect(JSON.stringify(result.content)).toContain(
      "Tool 'liar' returned a value that does not match its returns schema",
    );
  });

  it("ends a call at the tool's own timeoutMs", async () => {
    const { server } = await startServer();
    const client = await connect(server.url);

    const result = await client.callTool({ name: 'late', arguments: {} });

    expect(result).toMatchObject({ isError: true, content: [{ text: "Tool 'late' failed: timed out after 20 ms" }] });
  });

  it('declines a tool that needs approval, and an agent whose run waits for one', async () => {
    const { server } = await startServer();
    const client = await connect(server.url);

    const guarded = await client.callTool({ name: 'guarded', arguments: {} });
    const careful = await client.callTool({ name: 'careful_agent', arguments: { task: 'Do it.' } });

    expect(guarded.isError).toBe(true);
    expect(JSON.stringify(guarded.content)).toContain('cannot be given over MCP');
    expect(careful.isError).toBe(true);
    expect(JSON.stringify(careful.content)).toContain("the agent's run waits for approval");
  });
});

describe('serveMcp over HTTP: the endpoint', () => {
  it('refuses a request whose Host or Origin names another site (DNS rebinding)', async () => {
    const { server } = await startServer();

    const rebound = await postStatus(server.url, { host: 'evil.example' });
    const crossSite = await postStatus(server.url, { origin: 'https://evil.example' });
    const local = await postStatus(server.url, { origin: 'http://localhost:5173' });

    expect(rebound).toBe(403);
    expect(crossSite).toBe(403);
    expect(local).not.toBe(403);
  });

  it('answers 404 to a 2025-era request naming a session it does not hold', async () => {
    const { server } = await startServer();

    expect(await postStatus(server.url, { 'mcp-session-id': 'no-such-session' })).toBe(404);
  });

  it('refuses a request body over maxBodyBytes with 413', async () => {
    const echo = tool({
      name: 'echo',
      description: 'Echoes.',
      parameters: z.object({ text: z.string() }),
      execute: String,
    });
    const server = await serveMcp([echo], { maxBodyBytes: 1024 });
    cleanups.push(() => server.close());

    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'echo', arguments: { text: 'x'.repeat(4096) } },
      }),
    });

    expect(response.status).toBe(413);
  });

  it('refuses unknown options and a tool list with a duplicate name, naming the problem', async () => {
    const echo = tool({ name: 'echo', description: 'Echoes.', execute: () => 'x' });

    await expect(serveMcp([echo], { prot: 3000 } as never)).rejects.toThrow(ConfigurationError);
    await expect(serveMcp([echo], { transport: 'stdio', port: 1 } as never)).rejects.toThrow(/unknown option 'port'/);
    await expect(serveMcp([echo, echo])).rejects.toThrow(/two tools are named 'echo'/);
    await expect(serveMcp([echo], { host: '0.0.0.0' })).rejects.toThrow(/allowedHosts/);
  });

  it('refuses a toolTimeoutMs past what a timer can hold, which would end every call at once', async () => {
    const echo = tool({ name: 'echo', description: 'Echoes.', execute: () => 'x' });
    const failure = serveMcp([echo], { toolTimeoutMs: 3_000_000_000 });
    await expect(failure).rejects.toThrow(ConfigurationError);
    await expect(failure).rejects.toThrow(/toolTimeoutMs must be .* at most 2147483647/);
  });

  it('closes with await using', async () => {
    const echo = tool({ name: 'echo', description: 'Echoes.', execute: () => 'x' });
    let url: string;
    {
      await using server = await serveMcp([echo]);
      url = server.url;
    }
    await expect(fetch(url)).rejects.toThrow();
  });
});
