import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { RunSnapshot } from '@tinyagent/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../cli.ts';

// The approve demo runs offline here, as in cli.test.ts: the agent, its tools, the snapshot files
// and the resume are real; only the model's decisions are scripted.

let folder = '';
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'approve-demo-'));
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

function capture() {
  const sink = { text: '', write: (chunk: string) => ((sink.text += chunk), true), isTTY: false };
  return sink;
}

// A terminal whose answers are typed ahead: the prompter reads them line by line as it asks.
function terminal(answers: string): PassThrough & { isTTY: boolean } {
  const stdin = Object.assign(new PassThrough(), { isTTY: true });
  stdin.end(answers);
  return stdin;
}

async function approve(argv: string[], stdin: NodeJS.ReadableStream = Readable.from([])) {
  const stdout = capture();
  const stderr = capture();
  const code = await runCli(['approve', ...argv], { stdin, stdout, stderr, env: {}, cwd: folder });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

// Pauses the demo's run without a terminal; returns where it was saved.
async function pause(): Promise<string> {
  const file = join(folder, 'paused.json');
  const { code, stdout } = await approve(['--snapshot', file]);
  expect(code).toBe(0);
  expect(stdout).toContain('⏸ transfer_money({"to":"Ada Power Co.","amount":120,"memo":"March invoice"})');
  return file;
}

describe('approve demo, without a terminal', () => {
  it('saves the paused run to a file and prints the commands that resume it, without waiting for input', async () => {
    const file = await pause();

    const snapshot = JSON.parse(readFileSync(file, 'utf8')) as RunSnapshot;
    expect(snapshot).toMatchObject({
      agent: 'ReactAgent/native',
      status: 'awaiting_approval',
      pendingApprovals: [{ kind: 'tool-call', toolName: 'transfer_money', arguments: { amount: 120 } }],
    });
    const { stdout } = await approve(['--snapshot', file]);
    expect(stdout).toContain(`pnpm demo approve --resume ${file} --approve`);
    expect(stdout).toContain(`pnpm demo approve --resume ${file} --decline "the reason"`);
    expect(stdout).not.toContain('── answer');
  });

  it('resumes the saved run with --approve: the payment is made once and the spent file removed', async () => {
    const file = await pause();

    const { code, stdout } = await approve(['--resume', file, '--approve']);

    expect(code).toBe(0);
    expect(stdout).toContain('✓ approved');
    expect(stdout).toContain('← {"status":"sent"');
    expect(stdout).toContain('Paid 120 EUR to Ada Power Co. (reference TX-ADAPOW-120)');
    // Nothing before the pause ran again: the balance was read once, in the first command.
    expect(stdout).not.toContain('→ get_balance');
    expect(existsSync(file)).toBe(false);
  });

  it('resumes with --decline: the model is told the reason and nothing is paid', async () => {
    const file = await pause();

    const { code, stdout } = await approve(['--resume', file, '--decline', 'paid by direct debit']);

    expect(code).toBe(0);
    expect(stdout).toContain('✗ declined: paid by direct debit');
    expect(stdout).not.toContain('"status":"sent"');
    expect(stdout).toContain('you declined the transfer (paid by direct debit)');
  });

  it('leaves a resumed run paused, and its file in place, when nobody decides', async () => {
    const file = await pause();

    const { code, stdout } = await approve(['--resume', file]);

    expect(code).toBe(0);
    expect(stdout).toContain(`pnpm demo approve --resume ${file} --approve`);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ status: 'awaiting_approval' });
  });
});

describe('approve demo, at a terminal', () => {
  it('asks y/n and resumes in the same process, saving to .tinyagent/ under the working directory', async () => {
    const { code, stdout } = await approve([], terminal('maybe\ny\n'));

    expect(code).toBe(0);
    expect(stdout).toMatch(/step 2, call_\w+:\n {2}transfer_money\(\{"to":"Ada Power Co\.","amount":120/);
    expect(stdout).toContain('please answer y or n: ');
    expect(stdout).toContain('Paid 120 EUR to Ada Power Co.');
    const saved = /; saved to (\S+)/.exec(stdout)?.[1] ?? '';
    expect(saved).toMatch(/\/\.tinyagent\/approve-[\w-]+\.json$/);
    expect(saved.startsWith(folder)).toBe(true);
    expect(existsSync(saved)).toBe(false);
  });

  it('asks for a reason when the user declines, and gives it to the model', async () => {
    const { code, stdout } = await approve([], terminal('n\nnot this month\n'));

    expect(code).toBe(0);
    expect(stdout).toContain('why not?');
    expect(stdout).toContain('you declined the transfer (not this month)');
  });

  it('keeps the run paused and saved when the input ends before an answer', async () => {
    const file = join(folder, 'paused.json');

    const { code, stdout } = await approve(['--snapshot', file], terminal(''));

    expect(code).toBe(0);
    expect(stdout).toContain('approve? [y/n] ');
    expect(stdout).toContain(`pnpm demo approve --resume ${file} --approve`);
    expect(existsSync(file)).toBe(true);
  });
});

describe('approve demo, refusing what it cannot use', () => {
  it('says plainly that a missing file is missing, with exit code 1', async () => {
    const { code, stderr } = await approve(['--resume', join(folder, 'nope.json'), '--approve']);

    expect(code).toBe(1);
    expect(stderr).toContain(`error: Cannot read the saved run ${join(folder, 'nope.json')}: there is no such file.`);
    expect(stderr).toContain('hint: pass the file the approve demo printed');
  });

  it('refuses a file that is not a saved run, before asking anything', async () => {
    const file = join(folder, 'notes.json');
    writeFileSync(file, 'these are not the notes you want');

    const { code, stdout, stderr } = await approve(['--resume', file], terminal('y\n'));

    expect(code).toBe(1);
    expect(stderr).toContain(
      `error: ${file} is not a paused run of this demo: The snapshot to resume is a string but not JSON`,
    );
    expect(stdout).not.toContain('approve? [y/n]');
  });

  it('refuses a saved run of another tool set, saying which tool differs', async () => {
    const file = await pause();
    const snapshot = JSON.parse(readFileSync(file, 'utf8')) as RunSnapshot;
    writeFileSync(file, JSON.stringify({ ...snapshot, tools: snapshot.tools.slice(0, 1) }));

    const { code, stderr } = await approve(['--resume', file, '--approve']);

    expect(code).toBe(1);
    expect(stderr).toContain('The snapshot was taken with other tools: this agent adds transfer_money');
  });

  it('refuses --approve with --decline, and its options for another demo', async () => {
    const both = await approve(['--approve', '--decline', 'no']);
    const stderr = capture();
    const elsewhere = await runCli(['simple', '--approve'], {
      stdin: Readable.from([]),
      stdout: capture(),
      stderr,
      env: {},
    });

    expect(both.code).toBe(1);
    expect(both.stderr).toContain('error: --approve and --decline contradict each other.');
    expect(elsewhere).toBe(2);
    expect(stderr.text).toContain("option '--approve' belongs to another demo");
  });
});

describe('approve demo as two processes', () => {
  const main = fileURLToPath(new URL('../main.ts', import.meta.url));
  const run = promisify(execFile);
  const node = (args: string[]) =>
    run(process.execPath, ['--conditions=@tinyagent/source', main, 'approve', ...args], {
      env: { PATH: process.env.PATH ?? '' },
      cwd: folder,
    });

  it('pauses in one process with stdin piped and finishes in another from the saved file', async () => {
    const first = node([]);
    first.child.stdin?.end('y\n');
    const paused = await first;
    const file = /--resume (\S+) --approve/.exec(paused.stdout)?.[1] ?? '';
    expect(existsSync(file)).toBe(true);

    const { stdout } = await node(['--resume', file, '--approve']);

    expect(stdout).toContain('Paid 120 EUR to Ada Power Co. (reference TX-ADAPOW-120)');
    expect(existsSync(file)).toBe(false);
  }, 60_000);
});
