import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Where `BENCH_CPU_PROF=1` writes the `.cpuprofile` files of the measuring processes. */
const PROFILE_DIR = fileURLToPath(new URL('../results/profiles/', import.meta.url));

// Children run from the TypeScript sources like the bench itself. With BENCH_CPU_PROF=1 every
// measuring process writes a CPU profile (open it in Chrome DevTools or VS Code).
function execArgv(profile: boolean, nodeFlags: readonly string[]): string[] {
  // --expose-gc lets the throughput measurement collect garbage before it reads the resting RSS.
  const argv = ['--conditions=@tinyagent/source', '--expose-gc', ...nodeFlags];
  if (profile && process.env.BENCH_CPU_PROF === '1') {
    mkdirSync(PROFILE_DIR, { recursive: true });
    argv.push('--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`);
  }
  return argv;
}

/** Starts `entry` (a file next to this one) as a child process with an IPC channel, and `nodeFlags` if given. */
export function startChild(
  entry: string,
  options: { profile: boolean; nodeFlags?: readonly string[] | undefined },
): ChildProcess {
  return fork(fileURLToPath(new URL(entry, import.meta.url)), [], {
    execArgv: execArgv(options.profile, options.nodeFlags ?? []),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** The first message `child` sends; rejects if it exits or fails first. */
export function firstMessage<T>(child: ChildProcess, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onExit = (code: number | null, signal: string | null): void => {
      reject(new Error(`${what} exited before it answered (code ${code}, signal ${signal}).`));
    };
    child.once('error', reject);
    child.once('exit', onExit);
    child.once('message', (message) => {
      child.off('exit', onExit);
      resolve(message as T);
    });
  });
}

/** What a measuring process sends back: its result, or why it failed. */
export type ChildReply<T> = { ok: true; result: T } | { ok: false; error: string };

/**
 * Runs one job in a fresh measuring process (`measure-process.ts`, started with `nodeFlags`) and
 * resolves with its result once the process has exited; rejects when the job failed or the process crashed.
 */
export async function runInChild<T>(job: unknown, what: string, nodeFlags?: readonly string[]): Promise<T> {
  const child = startChild('./measure-process.ts', { profile: true, nodeFlags });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const replied = firstMessage<ChildReply<T>>(child, what);
  child.send(job as object);
  const reply = await replied;
  await exited;
  if (!reply.ok) throw new Error(`${what} failed: ${reply.error}`);
  return reply.result;
}
