import { ToolExecutionError, createRunScope } from '@tinyagent/core';
import type { Tool } from '@tinyagent/core';
import { rmSync } from 'node:fs';
import { captureLogs, tempFiles } from '@tinyagent/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { connectMcp } from './connect-mcp.ts';
import { McpServerError } from './mcp-server-error.ts';
import { MAX_STDERR_LINE } from './stderr-lines.ts';
import { FIXTURE_TOOL_NAMES, fixtureServer } from './test-servers.ts';

const SECRET = 'fixture-secret-0123456789';
const fixture = (name = 'fixture') => fixtureServer('stdio-fixture.ts', name, { FIXTURE_API_TOKEN: SECRET });

function named(tools: readonly Tool[], name: string): Tool {
  const found = tools.find((candidate) => candidate.name === name);
  if (found === undefined) throw new Error(`no tool ${name} in ${tools.map((candidate) => candidate.name).join(', ')}`);
  return found;
}

// Resolves with the first captured line that `matches`, as lines arrive (no sleeping).
async function nextLog(logs: ReturnType<typeof captureLogs>, matches: (message: string) => boolean): Promise<string> {
  for (;;) {
    const found = logs.lines.find((line) => matches(line.message));
    if (found !== undefined) return found.message;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('connectMcp with a stdio fixture server', () => {
  let logs = captureLogs();
  afterEach(() => {
    logs.restore();
    logs = captureLogs();
  });

  it('follows nextCursor through every page of tools/list', async () => {
    await using mcp = await connectMcp([fixture()]);
    expect(mcp.tools.map((tool) => tool.name)).toEqual(FIXTURE_TOOL_NAMES);
  });

  it('leaves out a tool whose name becomes that of an earlier tool of the same server, saying so', async () => {
    await using mcp = await connectMcp([
      fixtureServer('stdio-fixture.ts', 'fixture', { FIXTURE_EXTRA_TOOLS: 'add.tool' }),
    ]);
    expect(mcp.tools.map((tool) => tool.name)).toEqual(FIXTURE_TOOL_NAMES);
    expect(logs.lines.map((line) => line.message)).toContain(
      "mcp: the tool 'add.tool' of server 'fixture' is left out: its name would be 'add_tool', the name of the tool 'add_tool' of server 'fixture'.",
    );
  });

  it('fails with an McpServerError when the pages run past maxPages', async () => {
    const failure = connectMcp([fixture()], { maxPages: 2 });
    await expect(failure).rejects.toSatisfy((error) => McpServerError.isInstance(error));
    await expect(failure).rejects.toThrow(/'fixture' could not list its tools: .*listMaxPages \(2\)/);
  });

  it('returns an isError result to the model as the tool failure, with the server text', async () => {
    await using mcp = await connectMcp([fixture()]);
    const failure = named(mcp.tools, 'fail').run({});
    await expect(failure).rejects.toSatisfy((error) => ToolExecutionError.isInstance(error));
    await expect(failure).rejects.toThrow("Tool 'fail' failed: the fixture failed on purpose");
  });

  it('cancels a call through the signal, and the server hears of it', async () => {
    await using mcp = await connectMcp([fixture()]);
    const controller = new AbortController();
    const call = named(mcp.tools, 'wait').run({}, { signal: controller.signal });
    await nextLog(logs, (message) => message.endsWith('stderr: wait started'));
    controller.abort(new Error('stop waiting'));
    await expect(call).rejects.toThrow('stop waiting');
    await nextLog(logs, (message) => message.endsWith('stderr: wait was cancelled'));
    expect(await named(mcp.tools, 'pid').run({})).toMatch(/^\d+$/);
  });

  it('fails a call past the timeout with the tool deadline, and cancels it on the server', async () => {
    await using mcp = await connectMcp([fixture()], { timeoutMs: 50 });
    const failure = named(mcp.tools, 'wait').run({});
    await expect(failure).rejects.toThrow("Tool 'wait' failed: timed out after 50 ms");
    await expect(failure).rejects.toMatchObject({ name: 'ToolExecutionError', toolName: 'wait', timedOut: true });
    await nextLog(logs, (message) => message.endsWith('stderr: wait was cancelled'));
  });

  it('reads the list again when the server says it changed', async () => {
    const changes: string[][] = [];
    let changed: () => void = () => undefined;
    const refreshed = new Promise<void>((resolve) => {
      changed = resolve;
    });
    await using mcp = await connectMcp([fixture()], {
      onToolsChanged: (tools) => {
        changes.push(tools.map((tool) => tool.name));
        changed();
      },
    });
    await named(mcp.tools, 'add_tool').run({});
    await refreshed;
    expect(changes[0]).toContain('extra_6');
    expect(mcp.tools.map((tool) => tool.name)).toContain('extra_6');
  });

  it('fails calls with an McpServerError after the server dies, and refresh() starts it again', async () => {
    await using mcp = await connectMcp([fixture()]);
    const pid = Number(await named(mcp.tools, 'pid').run({}));
    process.kill(pid, 'SIGKILL');
    await nextLog(logs, (message) => message.includes("MCP server 'fixture' closed the connection"));
    const pidTool = named(mcp.tools, 'pid');
    const failure = pidTool.execute({}, { signal: new AbortController().signal, run: createRunScope() });
    await expect(failure).rejects.toSatisfy((error) => McpServerError.isInstance(error));
    await expect(failure).rejects.toThrow(/closed the connection .*Call refresh\(\)/);
    await expect(pidTool.run({})).rejects.toThrow("Tool 'pid' failed: McpServerError: MCP server 'fixture' closed");
    await mcp.refresh();
    const newPid = Number(await named(mcp.tools, 'pid').run({}));
    expect(newPid).not.toBe(pid);
    // The tool made before the crash works again too: it calls through the same server connection.
    expect(Number(await pidTool.run({}))).toBe(newPid);
  });

  it('stays restartable when a restart fails: the next refresh() starts it', async () => {
    using files = tempFiles();
    const flag = files.write('fail', '');
    rmSync(flag);
    await using mcp = await connectMcp([
      fixtureServer('stdio-fixture.ts', 'fixture', { FIXTURE_API_TOKEN: SECRET, FIXTURE_FAIL_WHILE: flag }),
    ]);
    const pid = Number(await named(mcp.tools, 'pid').run({}));
    files.write('fail', '');
    process.kill(pid, 'SIGKILL');
    await nextLog(logs, (message) => message.includes("MCP server 'fixture' closed the connection"));
    await expect(mcp.refresh()).rejects.toSatisfy((error) => McpServerError.isInstance(error));
    rmSync(flag);
    await mcp.refresh();
    expect(Number(await named(mcp.tools, 'pid').run({}))).not.toBe(pid);
  });

  it('logs the stderr line by line, secrets redacted and long lines cut', async () => {
    await using mcp = await connectMcp([fixture()]);
    const started = await nextLog(logs, (message) => message.includes('starting with token'));
    expect(started).toBe("mcp server 'fixture' stderr: starting with token [redacted]");
    const long = await nextLog(logs, (message) => message.includes('xxxx'));
    expect(long.length).toBeLessThan(MAX_STDERR_LINE + 100);
    expect(long).toMatch(/x \[line cut\]$/);
    expect(mcp.tools.length).toBeGreaterThan(0);
  });

  it('keeps the secrets of env out of errors', async () => {
    await using mcp = await connectMcp([fixture()]);
    const pid = Number(await named(mcp.tools, 'pid').run({}));
    process.kill(pid, 'SIGKILL');
    await nextLog(logs, (message) => message.includes('closed the connection'));
    const error = await named(mcp.tools, 'pid')
      .run({})
      .catch((thrown: unknown) => thrown);
    expect((error as Error).message).not.toContain(SECRET);
    expect(JSON.stringify(logs.lines)).not.toContain(SECRET);
  });

  it('redacts a secret in a server error before cutting it, leaving no part of it', async () => {
    await using mcp = await connectMcp([fixture()]);
    const protocolError = named(mcp.tools, 'protocol_error');
    // execute, not run: the error as the connection gives it, before core adds its "Tool '…' failed: ".
    const message = async (text: string): Promise<string> => {
      try {
        await protocolError.execute({ message: text }, { signal: new AbortController().signal, run: createRunScope() });
        return 'no error';
      } catch (error) {
        return (error as Error).message;
      }
    };
    // Where the server's text starts in the error, to put the secret across the 500-character cut.
    const start = (await message('^')).indexOf('^');
    const straddling = await message(`${'.'.repeat(500 - start - 10)}${SECRET} and more`);
    expect(straddling).toContain('…');
    expect(straddling).not.toContain(SECRET.slice(0, 10));
  });

  it('ends the child process on close', async () => {
    const mcp = await connectMcp([fixture()]);
    const pid = Number(await named(mcp.tools, 'pid').run({}));
    await mcp.close();
    expect(() => process.kill(pid, 0)).toThrow();
    await mcp.close();
  });
});
