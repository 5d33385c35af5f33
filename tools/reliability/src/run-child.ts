import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** How a child process ended, and what it wrote. */
export interface ChildOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Milliseconds from its first line on stdout to its exit. */
  exitAfterOutputMs: number;
}

/**
 * Runs one of this project's modules in a fresh Node process (this one's binary, the source
 * condition, `args` after the file), and resolves when it exits. Kills it after `killAfterMs`, so a
 * process that cannot exit by itself fails a check instead of hanging it.
 */
export function runChild(module: string, args: readonly string[], killAfterMs: number): Promise<ChildOutcome> {
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
