import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli.ts';

// The mcp demo runs offline here, as in cli.test.ts: the filesystem server is the real one (a child
// process speaking MCP over stdio), and so are the agent and its tools; only the model's decisions
// are scripted.

function capture() {
  const sink = { text: '', write: (chunk: string) => ((sink.text += chunk), true), isTTY: false };
  return sink;
}

// Child processes this process is still attached to, by the handles node keeps for them.
function childProcesses(): number {
  return process.getActiveResourcesInfo().filter((resource) => resource === 'ProcessWrap').length;
}

function folderIn(stdout: string): string {
  return /^folder: (\S+)/m.exec(stdout)?.[1] ?? '';
}

describe('mcp demo, offline', () => {
  it("connects server-filesystem, lists and reads the folder it made, and answers with the file's text", async () => {
    const stdout = capture();
    const stderr = capture();

    const code = await runCli(['mcp'], { stdin: Readable.from([]), stdout, stderr, env: {} });

    expect(code).toBe(0);
    expect(stderr.text).toBe('');
    const folder = folderIn(stdout.text);
    expect(folder).toContain('tinyagent-mcp-demo-');
    expect(stdout.text).toMatch(/connected: MCP server 'files' \(server-filesystem\), \d+ tools:/);
    const tools = /tools:\n {2}(.+)/.exec(stdout.text)?.[1]?.split(', ');
    expect(tools).toEqual(expect.arrayContaining(['list_directory', 'read_text_file', 'list_allowed_directories']));
    expect(stdout.text).toContain(`→ list_directory({"path":"${folder}"})`);
    expect(stdout.text).toContain('[FILE] notes.md');
    expect(stdout.text).toContain(`→ read_text_file({"path":"${folder}/notes.md"})`);
    expect(stdout.text).toContain(
      '── answer · offline: scripted model — set OPENAI_API_KEY or OPENAI_BASE_URL for a real one\n' +
        '(scripted model: a quotation, not an answer) notes.md says: ' +
        '"The first ferry to Skerry Point leaves at 07:40 on weekdays, 09:15 on Sundays."',
    );
    expect(stdout.text).toContain("closed: the MCP connection, and with it the server's process");
  });

  it('leaves no server process and no folder behind once it is done', async () => {
    const before = childProcesses();
    const stdout = capture();

    const code = await runCli(['mcp'], { stdin: Readable.from([]), stdout, stderr: capture(), env: {} });

    expect(code).toBe(0);
    expect(childProcesses()).toBe(before);
    expect(existsSync(folderIn(stdout.text))).toBe(false);
  });
});

describe('mcp demo in the CLI', () => {
  it('is listed in --help, and so part of the tour (every demo that reads no stdin)', async () => {
    const stdout = capture();

    await runCli(['--help'], { stdin: Readable.from([]), stdout, stderr: capture(), env: {} });

    expect(stdout.text).toMatch(/^ {2}mcp {10}ReactAgent with an MCP server's tools/m);
    expect(stdout.text).toContain('(none)       a tour of every demo but rpg and approve');
  });
});

describe('mcp demo as a process', () => {
  const main = fileURLToPath(new URL('../main.ts', import.meta.url));

  // A server process still connected would keep the demo's event loop alive: the demo would never exit.
  it('exits by itself when the demo is done', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--conditions=@tinyagent/source', main, 'mcp'], {
      env: { PATH: process.env.PATH ?? '' },
      timeout: 50_000,
    });

    expect(stdout).toContain('notes.md says: "The first ferry to Skerry Point leaves at 07:40');
    expect(stdout).toContain("closed: the MCP connection, and with it the server's process");
    expect(existsSync(folderIn(stdout))).toBe(false);
    // A process start on a loaded machine (other test files spawn processes too) can pass 5 s.
  }, 60_000);
});
