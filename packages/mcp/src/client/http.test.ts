import { createRunScope, redactSecrets } from '@tinyagent/core';
import type { Tool } from '@tinyagent/core';
import { captureLogs } from '@tinyagent/testing';
import { describe, expect, it } from 'vitest';
import { connectMcp } from './connect-mcp.ts';
import { McpServerError } from './mcp-server-error.ts';
import { FIXTURE_TOOL_NAMES, startHttpFixture } from './test-servers.ts';

const TOKEN = 'http-bearer-token-9876543210';

function named(tools: readonly Tool[], name: string): Tool {
  const found = tools.find((candidate) => candidate.name === name);
  if (found === undefined) throw new Error(`no tool ${name}`);
  return found;
}

describe('connectMcp over Streamable HTTP', () => {
  it('sends the headers, pages through the list and calls a tool', async () => {
    await using server = await startHttpFixture(TOKEN);
    await using mcp = await connectMcp([
      { name: 'remote', url: server.url, headers: { Authorization: `Bearer ${TOKEN}` } },
    ]);
    expect(mcp.tools.map((tool) => tool.name)).toEqual(FIXTURE_TOOL_NAMES);
    expect(await named(mcp.tools, 'pid').run({})).toBe(String(process.pid));
    expect(server.authorizations.every((value) => value === `Bearer ${TOKEN}`)).toBe(true);
  });

  it('reads the list again when the server says it changed', async () => {
    await using server = await startHttpFixture();
    let changed: (tools: readonly Tool[]) => void = () => undefined;
    const refreshed = new Promise<readonly Tool[]>((resolve) => {
      changed = resolve;
    });
    await using mcp = await connectMcp([{ name: 'remote', url: server.url }], { onToolsChanged: changed });
    await named(mcp.tools, 'add_tool').run({});
    expect((await refreshed).map((tool) => tool.name)).toContain('extra_6');
    expect(mcp.tools.map((tool) => tool.name)).toContain('extra_6');
  });

  it('registers the secret headers, so a refused connection never shows them', async () => {
    using logs = captureLogs();
    await using server = await startHttpFixture(TOKEN);
    const wrong = 'wrong-bearer-token-1234567';
    const failure = await connectMcp([
      { name: 'remote', url: server.url, headers: { Authorization: `Bearer ${wrong}` } },
    ]).catch((error: unknown) => error);
    expect(McpServerError.isInstance(failure)).toBe(true);
    expect((failure as McpServerError).message).toMatch(/^MCP server 'remote' could not be started or reached/);
    expect((failure as McpServerError).serverName).toBe('remote');
    expect(redactSecrets(`sent ${wrong}`)).toBe('sent [redacted]');
    expect(JSON.stringify(logs.lines)).not.toContain(wrong);
    expect((failure as Error).message).not.toContain(wrong);
  });

  it('fails with an McpServerError naming the server when nothing listens', async () => {
    const server = await startHttpFixture();
    const { url } = server;
    await server.close();
    await expect(connectMcp([{ name: 'gone', url }], { connectTimeoutMs: 5_000 })).rejects.toThrow(
      /^MCP server 'gone' could not be started or reached: /,
    );
  });

  it('fails a call in flight with an McpServerError when the server goes away, and refresh() connects again', async () => {
    using logs = captureLogs();
    const server = await startHttpFixture();
    const port = Number(new URL(server.url).port);
    await using mcp = await connectMcp([{ name: 'remote', url: server.url }]);
    const call = named(mcp.tools, 'wait').run({});
    await until(() => server.lines.includes('wait started'));
    await server.close();
    // Well before the 60 s deadline: the connection is known to be gone once a request cannot reach it.
    await expect(call).rejects.toThrow(
      "Tool 'wait' failed: McpServerError: MCP server 'remote' closed the connection (the server went away).",
    );
    const later = named(mcp.tools, 'pid').execute({}, { signal: new AbortController().signal, run: createRunScope() });
    await expect(later).rejects.toSatisfy((error) => McpServerError.isInstance(error));
    expect(logs.lines.map((line) => line.message)).toContain(
      "MCP server 'remote' closed the connection (the server went away). Call refresh() on the MCP connection to start it again.",
    );
    await using restarted = await startHttpFixture(undefined, port);
    await mcp.refresh();
    expect(await named(mcp.tools, 'pid').run({})).toBe(String(process.pid));
    expect(restarted.lines).toEqual([]);
  });

  it('fails the next call with an McpServerError when the server restarted between calls, and refresh() connects again', async () => {
    using _logs = captureLogs();
    const server = await startHttpFixture();
    const port = Number(new URL(server.url).port);
    await using mcp = await connectMcp([{ name: 'remote', url: server.url }]);
    await server.close();
    await using restarted = await startHttpFixture(undefined, port);
    const failure = named(mcp.tools, 'pid').execute(
      {},
      { signal: new AbortController().signal, run: createRunScope() },
    );
    await expect(failure).rejects.toSatisfy((error) => McpServerError.isInstance(error));
    await expect(failure).rejects.toThrow(/Call refresh\(\)/);
    await mcp.refresh();
    expect(await named(mcp.tools, 'pid').run({})).toBe(String(process.pid));
    expect(restarted.authorizations.length).toBeGreaterThan(0);
  });
});

// Resolves once `done()` holds, checking as events are handled (no sleeping).
async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setImmediate(resolve));
}
