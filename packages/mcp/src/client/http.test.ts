import { redactSecrets } from '@tinyagent/core';
import type { Tool } from '@tinyagent/core';
import { captureLogs } from '@tinyagent/testing';
import { describe, expect, it } from 'vitest';
import { connectMcp } from './connect-mcp.ts';
import { McpServerError } from './mcp-server-error.ts';
import { startHttpFixture } from './test-servers.ts';

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
    expect(mcp.tools.map((tool) => tool.name)).toEqual(['wait', 'pid', 'add_tool', 'fail', 'page_filler']);
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
    expect((await refreshed).map((tool) => tool.name)).toContain('extra_5');
    expect(mcp.tools.map((tool) => tool.name)).toContain('extra_5');
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
});
