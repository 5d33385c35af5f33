import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('./worker-main.ts', import.meta.url));

/** A worker process of the tests, with its output lines to wait on. */
export interface WorkerProcess {
  /** Resolves with the first line (from now or already printed) that `matches`; rejects when the process exits first. */
  waitForLine(matches: (line: string) => boolean): Promise<string>;
  /** Every line printed so far. */
  readonly lines: readonly string[];
  /** SIGKILLs the process and resolves once it is gone: a crash, with nothing cleaned up. */
  kill(): Promise<void>;
  /** SIGTERMs the process (it closes its worker) and resolves once it exited; SIGKILLs it after 10 s. */
  stop(): Promise<void>;
}

/**
 * Starts a worker process on `databaseUrl` (the code agent's notes in `folder`, named `executorId` when
 * given) and resolves once it takes runs; rejects, and kills it, when it is not ready within 30 s.
 */
export async function startWorkerProcess(
  databaseUrl: string,
  folder: string,
  executorId?: string,
): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--conditions=@tinyagent/source', main], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      TEST_FOLDER: folder,
      ...(executorId === undefined ? {} : { EXECUTOR_ID: executorId }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters = new Set<{ matches: (line: string) => boolean; resolve: (line: string) => void }>();
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    for (const waiter of waiters) {
      if (waiter.matches(line)) {
        waiters.delete(waiter);
        waiter.resolve(line);
      }
    }
  });
  // 'close', not 'exit': the last lines are read by then.
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const waitForLine = (matches: (line: string) => boolean): Promise<string> => {
    const found = lines.find(matches);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise<string>((resolve, reject) => {
      const waiter = { matches, resolve };
      waiters.add(waiter);
      void exited.then(() => {
        if (waiters.delete(waiter)) reject(new Error(`The worker process exited first. Its stderr:\n${stderr}`));
      });
    });
  };
  const kill = async (): Promise<void> => {
    if (!hasExited(child)) child.kill('SIGKILL');
    await exited;
  };
  // A worker that does not close within the deadline is killed: a hung close must not hang the tests.
  const stop = async (): Promise<void> => {
    if (!hasExited(child)) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_DEADLINE_MS);
    try {
      await exited;
    } finally {
      clearTimeout(timer);
    }
  };
  try {
    await withDeadline(
      waitForLine((line) => line === 'ready'),
      READY_DEADLINE_MS,
      () => {
        return new Error(
          `The worker process did not print 'ready' within ${String(READY_DEADLINE_MS)} ms. Its stderr:\n${stderr}`,
        );
      },
    );
  } catch (error) {
    await kill();
    throw error;
  }
  return { waitForLine, lines, kill, stop };
}

// Generous: starting DBOS and recovering runs takes seconds on a loaded 2-core machine.
const READY_DEADLINE_MS = 30_000;
const STOP_DEADLINE_MS = 10_000;

async function withDeadline<Result>(work: Promise<Result>, ms: number, timedOut: () => Error): Promise<Result> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(timedOut()), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}
