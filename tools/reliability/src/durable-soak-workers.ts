// The worker processes of the durable crash soak (durable-soak.ts): started, SIGKILLed and started
// again under their names, with the steps each has in flight read from their output (a worker prints
// `begin <run> <n>` once a step's execution is recorded, `end <run> <n>` as the step returns).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const workerMain = fileURLToPath(new URL('./durable-soak-worker.ts', import.meta.url));

/** The soak's worker processes, and what they are doing. */
export interface SoakWorkers {
  /** Starts the worker `name` (again, after a kill) and resolves once it takes runs. */
  start(name: string): Promise<void>;
  /** SIGKILLs the worker `name` and resolves once it is gone; its steps in flight are cut off. */
  kill(name: string): Promise<void>;
  /** SIGKILLs every worker still running. */
  stopAll(): Promise<void>;
  /** The names of the workers with at least one step in flight now. */
  busy(): string[];
  /** Step executions begun so far, in every process. */
  begun(): number;
  /** Resolves true once `condition` holds (checked at each line a worker prints), false once `until` settles. */
  when(condition: () => boolean, until: Promise<unknown>): Promise<boolean>;
  /** The pids of the processes that were SIGKILLed. */
  readonly killedPids: ReadonlySet<number>;
}

/** The soak's workers, on `env` (DATABASE_URL, OPENAI_BASE_URL); none started yet. */
export function createSoakWorkers(env: NodeJS.ProcessEnv): SoakWorkers {
  const children = new Map<string, ChildProcess>();
  const inFlight = new Map<string, Set<string>>();
  const killedPids = new Set<number>();
  const listeners = new Set<() => void>();
  let begun = 0;

  const onLine = (name: string, line: string): void => {
    const [word, run, n] = line.split(' ');
    const steps = inFlight.get(name);
    if (steps === undefined) return;
    if (word === 'begin') {
      begun += 1;
      steps.add(`${run ?? ''}/${n ?? ''}`);
    } else if (word === 'end') {
      steps.delete(`${run ?? ''}/${n ?? ''}`);
    }
    for (const listener of listeners) listener();
  };

  const start = async (name: string): Promise<void> => {
    // --no-deprecation: pg-pool, inside DBOS, warns of pg 9 at each start; it is not ours to fix.
    const child = spawn(process.execPath, ['--conditions=@tinyagent/source', '--no-deprecation', workerMain], {
      env: { ...env, EXECUTOR_ID: name },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.set(name, child);
    inFlight.set(name, new Set());
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        if (line === 'ready') resolve();
        else onLine(name, line);
      });
      child.once('exit', (code) =>
        reject(new Error(`Worker ${name} exited before it was ready (code ${String(code)}).`)),
      );
    });
  };

  const end = async (name: string): Promise<void> => {
    const child = children.get(name);
    children.delete(name);
    // Its lines no longer count: whatever it had in flight is cut off.
    inFlight.delete(name);
    if (child?.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  };

  return {
    start,
    kill: async (name) => {
      const pid = children.get(name)?.pid;
      if (pid !== undefined) killedPids.add(pid);
      await end(name);
    },
    stopAll: async () => {
      await Promise.all([...children.keys()].map(end));
    },
    busy: () => [...inFlight].filter(([, steps]) => steps.size > 0).map(([name]) => name),
    begun: () => begun,
    when: (condition, until) => {
      if (condition()) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const check = (): void => {
          if (!condition()) return;
          listeners.delete(check);
          resolve(true);
        };
        listeners.add(check);
        const stop = (): void => {
          listeners.delete(check);
          resolve(false);
        };
        until.then(stop, stop);
      });
    },
    killedPids,
  };
}
