// Worker processes of the durable-run measurement, started and killed by the measuring process, and
// the database they share: a fresh one per bench run, on DATABASE_URL's server or the one that
// tools/scripts/ensure-postgres.sh starts (as the durable tests and the durable soak do).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createThrowawayDatabase, findPostgres } from '@tinyagent/dbos/internal';
import type { ThrowawayDatabase } from '@tinyagent/dbos/internal';

/** The version every worker of the measurement runs, so that any of them may recover any run. */
export const DURABLE_APPLICATION_VERSION = 'bench';
/** How often workers look at the queue and clients at a run's result: DBOS polls PostgreSQL. */
export const POLLING_MS = 20;
/** Runs each worker executes at once. */
export const DURABLE_CONCURRENCY = 10;

const WORKER_MAIN = fileURLToPath(new URL('./worker-process.ts', import.meta.url));

/** A live step of a run, as a worker printed it: `at` in epoch milliseconds. */
export interface WorkerStep {
  run: number;
  kind: string;
  n: number;
  at: number;
}

/** A worker process, with the steps it has started so far. */
export interface BenchWorker {
  executorId: string;
  steps: WorkerStep[];
  /** SIGKILLs the process; resolves once it is gone. */
  kill(): Promise<void>;
}

/** Options of `startWorker`. */
export interface StartWorkerOptions {
  databaseUrl: string;
  executorId: string;
  toolDelayMs: number;
}

/** Starts a worker process; resolves once it takes runs. */
export async function startWorker(options: StartWorkerOptions): Promise<BenchWorker> {
  // --no-deprecation: pg-pool, inside DBOS, warns of pg 9 at each start; it is not ours to fix.
  const child = spawn(process.execPath, ['--conditions=@tinyagent/source', '--no-deprecation', WORKER_MAIN], {
    env: {
      ...process.env,
      DATABASE_URL: options.databaseUrl,
      EXECUTOR_ID: options.executorId,
      POLLING_MS: String(POLLING_MS),
      TOOL_DELAY_MS: String(options.toolDelayMs),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const steps: WorkerStep[] = [];
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line === 'ready') resolve();
      const [word, run, kind = '', n, at] = line.split(' ');
      if (word === 'step') steps.push({ run: Number(run), kind, n: Number(n), at: Number(at) });
    });
    child.once('exit', (code) =>
      reject(new Error(`Worker ${options.executorId} exited before it was ready (code ${String(code)}).`)),
    );
  });
  return { executorId: options.executorId, steps, kill: () => killChild(child) };
}

async function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

/**
 * A database of the measurement's own, named for this process (a concurrent bench, or anyone's
 * database, is never touched): no run of an earlier bench is there to recover. `drop` removes it.
 */
export async function freshDurableDatabase(): Promise<ThrowawayDatabase> {
  return createThrowawayDatabase(await findPostgres('the durable benchmark'), 'tinyagent_bench_durable');
}
