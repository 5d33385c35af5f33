import { ConfigurationError, ToolInputError } from '@tinyagent/core';
import type { Tool } from '@tinyagent/core';
import { captureLogs } from '@tinyagent/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectMcp } from './connect-mcp.ts';
import { McpServerError } from './mcp-server-error.ts';
import { everythingServer } from './test-servers.ts';

function captured(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  return undefined;
}

function named(tools: readonly Tool[], name: string): Tool {
  const found = tools.find((candidate) => candidate.name === name);
  if (found === undefined) throw new Error(`no tool ${name}`);
  return found;
}

describe('connectMcp with server-everything (stdio)', () => {
  let logs: ReturnType<typeof captureLogs>;
  beforeEach(() => {
    logs = captureLogs();
  });
  afterEach(() => {
    logs.restore();
  });

  it('lists the tools with their descriptions, and calls one', async () => {
    await using mcp = await connectMcp([everythingServer()]);
    const echo = named(mcp.tools, 'echo');
    expect(echo.description).toMatch(/echo/i);
    expect(echo.isAsync).toBe(true);
    expect(await echo.run({ message: 'hello' })).toBe('Echo: hello');
  });

  it("hands out the server's SDK client for what TinyAgent does not wrap, and refuses names it does not know", async () => {
    await using mcp = await connectMcp([everythingServer('demo')]);
    const { resources } = await mcp.client('demo').listResources();
    expect(resources.map((resource) => resource.uri)).toContain('demo://resource/static/document/architecture.md');
    expect(() => mcp.client('other')).toThrow('connectMcp: no server is named "other"; the servers are "demo".');
    expect(ConfigurationError.isInstance(captured(() => mcp.client('other')))).toBe(true);
    await mcp.close();
    expect(McpServerError.isInstance(captured(() => mcp.client('demo')))).toBe(true);
  });

  it("shows the model the server's input schema, and sends arguments it rejects back with their field paths", async () => {
    await using mcp = await connectMcp([everythingServer()]);
    const sum = named(mcp.tools, 'get-sum');
    expect(sum.jsonSchema).toMatchObject({
      type: 'object',
      properties: { a: { type: 'number' }, b: { type: 'number' } },
    });
    const failure = sum.run({ a: 'one', b: 2 });
    await expect(failure).rejects.toSatisfy((error) => ToolInputError.isInstance(error));
    await expect(failure).rejects.toThrow(/Invalid arguments for tool 'get-sum': a: /);
    expect(await sum.run({ a: 1, b: 2 })).toMatch(/\b3\b/);
  });

  it('returns the structured content of a tool with an output schema', async () => {
    await using mcp = await connectMcp([everythingServer()]);
    const weather = await named(mcp.tools, 'get-structured-content').run({ location: 'Chicago' });
    expect(JSON.parse(weather)).toEqual({ temperature: 36, conditions: 'Light rain / drizzle', humidity: 82 });
  });

  it('describes an image in a few words instead of passing its base64', async () => {
    await using mcp = await connectMcp([everythingServer()]);
    const result = await named(mcp.tools, 'get-tiny-image').run({});
    expect(result).toMatch(/\[image: image\/png, [\d.]+ (bytes|KB)\]/);
    expect(result).not.toMatch(/[A-Za-z0-9+/]{100}/);
  });

  it('describes resource links and embedded resources by uri, type and size', async () => {
    await using mcp = await connectMcp([everythingServer()]);
    const links = await named(mcp.tools, 'get-resource-links').run({ count: 2 });
    expect(links).toMatch(/^\[resource link: Blob Resource 1 <demo:\/\/resource\/dynamic\/blob\/1>, text\/plain\]$/m);
    const reference = await named(mcp.tools, 'get-resource-reference').run({ resourceType: 'Text', resourceId: 1 });
    expect(reference).toMatch(/\[resource: <demo:\/\/resource\/dynamic\/text\/1>, text\/plain, \d+ bytes\]/);
  });

  it("cancels the long-running operation through the run's signal", async () => {
    await using mcp = await connectMcp([everythingServer()]);
    const controller = new AbortController();
    const call = named(mcp.tools, 'trigger-long-running-operation').run(
      { duration: 30, steps: 30 },
      { signal: controller.signal },
    );
    setImmediate(() => controller.abort(new Error('the user stopped the run')));
    await expect(call).rejects.toThrow('the user stopped the run');
    // The connection is usable after a cancelled call.
    expect(await named(mcp.tools, 'echo').run({ message: 'still here' })).toBe('Echo: still here');
  });

  it('refuses two servers whose tools share names, naming both', async () => {
    const failure = connectMcp([everythingServer('left'), everythingServer('right')]);
    await expect(failure).rejects.toSatisfy((error) => ConfigurationError.isInstance(error));
    await expect(failure).rejects.toThrow(
      "Two MCP tools would both be named 'echo': the tool 'echo' of server 'left' and the tool 'echo' of server 'right'. Set `prefix: true`",
    );
  });

  it('prefixes the tool names with the server name, for all servers or for one', async () => {
    await using both = await connectMcp([everythingServer('left'), everythingServer('right')], { prefix: true });
    expect(both.tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(['left_echo', 'right_echo']));
    expect(await named(both.tools, 'right_echo').run({ message: 'hi' })).toBe('Echo: hi');
    await using one = await connectMcp([everythingServer('left'), { ...everythingServer('right'), prefix: true }]);
    expect(one.tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(['echo', 'right_echo']));
  });
});
