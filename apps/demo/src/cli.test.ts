import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { captureLogs } from '@tinyagent/testing';
import { describe, expect, it, vi } from 'vitest';
import { runCli } from './cli.ts';
import { OFFLINE_NOTICE } from './provider.ts';

// Every demo runs offline here: no key and no base URL, so the demo starts its own fake server. The
// tools, the agents and the HTTP client are real; only the model's decisions are scripted.
const OFFLINE_ENV = {};

function capture() {
  const sink = { text: '', write: (chunk: string) => ((sink.text += chunk), true), isTTY: false };
  return sink;
}

async function runDemo(argv: string[], input: string[] = []) {
  const stdout = capture();
  const stderr = capture();
  const code = await runCli(argv, { stdin: Readable.from(input), stdout, stderr, env: OFFLINE_ENV });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('demo CLI, offline', () => {
  it('says plainly at the start and in every answer that the model is scripted', async () => {
    const { code, stdout } = await runDemo(['simple']);

    expect(code).toBe(0);
    expect(stdout).toContain(`TinyAgent demo — ${OFFLINE_NOTICE}`);
    expect(stdout.match(/── answer · offline: scripted model/g)).toHaveLength(3);
  });

  it("--trace: prints each run's span tree after its answer", async () => {
    const { code, stdout } = await runDemo(['react', '--trace']);

    expect(code).toBe(0);
    const tree = stdout.slice(stdout.indexOf('── trace (OpenTelemetry spans)'));
    expect(tree).toMatch(/\ninvoke_agent ReactAgent · [\d.]+ ms/);
    expect(tree).toMatch(/\n {2}chat \S+ · [\d.]+ ms · tokens \d+→\d+ · finish /);
    expect(tree).toMatch(/\n {2}execute_tool get_weather · /);
    // The failing tool of the react demo shows as an error span.
    expect(tree).toMatch(/\n {2}execute_tool \S+ · [\d.]+ ms · ✗ /);
  });

  it('simple: shows each step, tool call and observation, and the computed answers', async () => {
    const { stdout } = await runDemo(['simple']);

    expect(stdout).toContain('? What is (12 + 8) * 3?');
    expect(stdout).toContain('→ add({"a":12,"b":8})');
    expect(stdout).toContain('← 20');
    expect(stdout).toContain('→ multiply({"a":20,"b":3})');
    expect(stdout).toContain('(12 + 8) * 3 = 60');
    expect(stdout).toContain('138 pencils are left.');
    expect(stdout).toContain('1000 / 8 - 25 = 100');
  });

  it('react: calls tools in parallel, recovers from the failing tool, and answers from their objects', async () => {
    const { code, stdout } = await runDemo(['react']);

    expect(code).toBe(0);
    expect(stdout).toContain('→ get_weather({"city":"Oslo","units":"fahrenheit"})');
    expect(stdout).toMatch(/✗ .*population service is busy/);
    expect(stdout).toContain('Paris: 18 celsius, cloudy');
    expect(stdout).toContain('Oslo: 48 fahrenheit, light rain');
    expect(stdout).toContain('Paris has more people (2,102,650 vs 709,037).');
  });

  it('code: runs model-written JavaScript against the tools, keeping state between steps', async () => {
    const { code, stdout } = await runDemo(['code']);

    expect(code).toBe(0);
    expect(stdout).toContain('get_price({ item })');
    expect(stdout).toContain('"totalUsd":18.85');
    expect(stdout).toContain('"totalEur":17.34');
  });

  it('file-prompt: loads .txt, .md and .xml prompts and falls back to the default for a missing file', async () => {
    using logs = captureLogs();
    const { code, stdout } = await runDemo(['file-prompt']);

    expect(code).toBe(0);
    expect(stdout).toContain('begins: "You are a concise assistant.');
    expect(stdout).toContain('begins: "# Role');
    expect(stdout).toContain('begins: "<prompt>');
    expect(stdout).toMatch(/missing\.md.*(does not exist|not found)/i);
    expect(stdout.match(/6 × 7 = 42/g)).toHaveLength(4);
    expect(logs.warnings).toEqual([expect.stringMatching(/missing\.md does not exist/)]);
  });

  it('reader: browses the page the demo serves itself and quotes it, saying it is not a summary', async () => {
    const { code, stdout } = await runDemo(['reader']);

    expect(code).toBe(0);
    expect(stdout).toMatch(/→ web_browse\(\{"url":"http:\/\/127\.0\.0\.1:\d+\/lighthouse"\}\)/);
    expect(stdout).toContain('(scripted model: a quotation, not a summary) "The Keeper\'s Year at Skerry Point Light"');
    expect(stdout).toContain('Skerry Point Light stands on a bare granite ledge');
  });

  it('prints the RunResult as JSON with --json', async () => {
    const { stdout } = await runDemo(['code', '--json']);

    const result = JSON.parse(stdout) as { state: string; stepsTaken: number; usage: { requests: number } };
    expect(result.state).toBe('completed');
    expect(result.stepsTaken).toBe(2);
    expect(result.usage.requests).toBe(2);
  });

  it('refuses an unknown demo with the usage and exit code 2', async () => {
    const { code, stderr } = await runDemo(['nope']);

    expect(code).toBe(2);
    expect(stderr).toContain("unknown demo 'nope'");
    expect(stderr).toContain('usage: pnpm nx run demo:start');
  });

  it('reports an unreachable model server in one line with a hint, and no stack trace', async () => {
    const stdout = capture();
    const stderr = capture();
    const env = { OPENAI_BASE_URL: 'http://127.0.0.1:2/v1' };

    const code = await runCli(['simple'], { stdin: Readable.from([]), stdout, stderr, env });

    expect(code).toBe(1);
    expect(stderr.text).toMatch(/error: Could not reach the model server at http:\/\/127\.0\.0\.1:2\/v1/);
    expect(stderr.text).toContain('hint: is the server at OPENAI_BASE_URL running and reachable?');
    expect(stderr.text.split('\n').filter((line) => line.trimStart().startsWith('at '))).toEqual([]);
  });
});

describe('demo CLI, interrupted', () => {
  it('ends a run cancelled by Ctrl-C as interrupted, with exit code 130 and no hint', async () => {
    const stdout = capture();
    const stderr = capture();
    const controller = new AbortController();
    controller.abort(new Error('interrupted (Ctrl-C)'));

    const code = await runCli(['simple'], {
      stdin: Readable.from([]),
      stdout,
      stderr,
      env: {},
      signal: controller.signal,
    });

    expect(code).toBe(130);
    expect(stderr.text).toContain('error: The run was aborted: interrupted (Ctrl-C).');
    expect(stderr.text).not.toContain('hint:');
  });

  it('leaves the game when interrupted while waiting for the player', async () => {
    const stdout = capture();
    const controller = new AbortController();
    const stdin = new PassThrough();

    const playing = runCli(['rpg'], { stdin, stdout, stderr: capture(), env: {}, signal: controller.signal });
    await vi.waitFor(() => expect(stdout.text).toContain('> '));
    controller.abort(new Error('interrupted (Ctrl-C)'));

    expect(await playing).toBe(130);
    expect(stdout.text).toContain('Interrupted. Goodbye.');
  });
});

describe('demo CLI as a process', () => {
  const main = fileURLToPath(new URL('./main.ts', import.meta.url));
  const run = promisify(execFile);

  it('rpg: plays turns read from piped stdin until quit', async () => {
    const child = run(process.execPath, ['--conditions=@tinyagent/source', main, 'rpg'], {
      env: { PATH: process.env.PATH ?? '' },
    });
    child.child.stdin?.end('I try to dodge the falling debris\nship status\nquit\n');
    const { stdout } = await child;

    expect(stdout.match(/── answer · offline: scripted model/g)).toHaveLength(2);
    expect(stdout).toContain('→ roll_dice({"sides":20})');
    expect(stdout).toMatch(/the die shows \d+/);
    expect(stdout).toContain('→ ship_status({})');
    expect(stdout).toContain('hull');
    expect(stdout).toContain('Goodbye.');
    // A process start on a loaded machine (other test files spawn processes too) can pass 5 s.
  }, 60_000);
});

// The README's own commands, run as a newcomer types them, from the repository root: offline (no
// key, no base URL), Nx without its daemon, cloud or terminal UI.
describe('demo CLI through the documented commands', () => {
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_TUI: 'false',
  };
  const pnpm = (args: string[]) => promisify(execFile)('pnpm', args, { cwd: root, env, maxBuffer: 16 * 1024 * 1024 });

  it('pnpm --silent demo code --json prints only the RunResult JSON on stdout, for jq', async () => {
    const { stdout } = await pnpm(['--silent', 'demo', 'code', '--json']);

    const result = JSON.parse(stdout) as { state: string; output: string };
    expect(result.state).toBe('completed');
    expect(result.output).toBe('{"totalUsd":18.85,"totalEur":17.34}');
  }, 120_000);

  it('pnpm nx run demo:start -- --verbose reaches the demo (Nx keeps no flag for itself)', async () => {
    const { stderr } = await pnpm(['nx', 'run', 'demo:start', '--', 'simple', '--verbose']);

    expect(stderr).toContain('[tinyagent] task: What is (12 + 8) * 3?');
  }, 120_000);

  it('Nx never prompts for analytics: nx.json holds the answer', () => {
    const nxJson = JSON.parse(readFileSync(`${root}/nx.json`, 'utf8')) as { analytics?: unknown };

    expect(nxJson.analytics).toBe(false);
  });
});
