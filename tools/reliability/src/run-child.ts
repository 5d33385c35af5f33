import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startFakeOpenAI } from '@tinyagent/testing';
import { answerCancellationRequest } from './cancellation.ts';
import type { CancelledRun } from './cancellation.ts';

/** How the cancellation child ended, and what it reported. */
export interface CancellationChildOutcome {
  /** The runs it aborted, from its JSON line; empty when it printed none. */
  outcomes: CancelledRun[];
  /** The longest its event loop was held up, in ms; NaN when it printed nothing. */
  maxLoopDelayMs: number;
  code: number | null;
  stderr: string;
  /** Milliseconds from its JSON line to its exit: how long it took to exit by itself. */
  exitAfterOutputMs: number;
}

/**
 * Serves the cancellation answers from this process and runs `cancellation-child.ts` against them
 * with `runs` runs and `seed`, killing it after `killAfterMs`. The server lives here, the runs in
 * the child: only a child with nothing left running (no timer, socket or worker) exits on its own
 * while the server keeps its connections open.
 */
export async function runCancellationChild(
  runs: number,
  seed: number,
  killAfterMs: number,
): Promise<CancellationChildOutcome> {
  await using server = await startFakeOpenAI({ handler: answerCancellationRequest, recordRequests: false });
  const child = await runChild('./cancellation-child.ts', [server.url, String(runs), String(seed)], killAfterMs);
  // A child that crashed prints no JSON; its stderr and exit code then say why.
  const report = /^\{.*\}$/m.exec(child.stdout)?.[0];
  const parsed = JSON.parse(report ?? '{}') as { outcomes?: CancelledRun[]; maxLoopDelayMs?: number };
  return {
    outcomes: parsed.outcomes ?? [],
    maxLoopDelayMs: parsed.maxLoopDelayMs ?? Number.NaN,
    code: child.code,
    stderr: child.stderr,
    exitAfterOutputMs: child.exitAfterOutputMs,
  };
}

// How a child process ended, and what it wrote.
interface ChildOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Milliseconds from its first line on stdout to its exit. */
  exitAfterOutputMs: number;
}

// Runs one of this project's modules in a fresh Node process (this one's binary, the source
// condition, `args` after the file), and resolves when it exits. Kills it after `killAfterMs`, so a
// process that cannot exit by itself fails a check instead of hanging it.
function runChild(module: string, args: readonly string[], killAfterMs: number): Promise<ChildOutcome> {
  const file = fileURLToPath(new URL(module, import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=@tinyagent/source', file, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let firstOutputAt: number | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      firstOutputAt ??= performance.now();
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(killer);
      const exitAfterOutputMs = firstOutputAt === undefined ? Number.NaN : performance.now() - firstOutputAt;
      resolve({ code, signal, stdout, stderr, exitAfterOutputMs });
    });
  });
}
