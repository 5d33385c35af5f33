import { DBOS } from '@dbos-inc/dbos-sdk';
import { ConfigurationError } from '@tinyagent/core';
import { checkOptionKeys, getLogger } from '@tinyagent/core/internal';
import { createDbosLogger } from './dbos-logger.ts';
import {
  DURABLE_RUNS_OPTION_KEYS,
  openDurableRuns,
  readCount,
  readDurableRunsOptions,
  readName,
} from './durable-runs.ts';
import type { DurableRuns, DurableRunsOptions } from './durable-runs.ts';
import { createRunningRuns } from './running-runs.ts';
import { WORKFLOW_NAME, runWorkflow } from './run-workflow.ts';
import type { RunInput } from './run-workflow.ts';
import type { DurableAgent } from './durable-types.ts';

/** Options of `startDurableWorker`: those of `connectDurableRuns`, the agents, and how many runs at once. */
export interface DurableWorkerOptions extends DurableRunsOptions {
  /** The agents this worker runs, by the name `submit` uses. Every worker of an application has the same. */
  agents: Readonly<Record<string, DurableAgent>>;
  /**
   * Runs one worker process executes at once, from the queue (DBOS's `workerConcurrency`); default 10.
   * DBOS stores it with the queue, so one value holds for every worker: a worker of the latest
   * application version sets it when it starts, and a worker of an older version (a rolling deploy)
   * leaves it as it is. The queue's polling interval (`pollingIntervalMs`) is stored the same way.
   */
  concurrency?: number | undefined;
  /**
   * The version of the code this worker runs: set it to your release version on every worker. DBOS
   * recovers a run only on a worker of the version that started it, and gives queued runs to workers
   * of the latest version. Without it, DBOS derives a version from the registered workflow function,
   * which is the same one-line function in every release: new code would then recover runs that old
   * code started, and fail or misbehave on their records. The worker warns at start when it is missing;
   * see docs/durable-runs.md.
   */
  applicationVersion?: string | undefined;
  /**
   * The name of this worker in the database: the runs it takes are recorded under it, and a worker
   * that starts recovers the unfinished runs recorded under its own name. Default DBOS's: the
   * `DBOS__VMID` environment variable, else `local`, which suits one worker per database only. Several
   * workers running at once each need their own stable name (the machine's, plus a slot number), or a
   * starting worker takes over runs that a live one is running; the worker warns at start when neither
   * is set. See docs/durable-runs.md.
   */
  executorId?: string | undefined;
}

/** A worker: this process runs durable runs from the queue, and can submit and follow them too. */
export interface DurableWorker extends DurableRuns {
  /**
   * Stops taking runs, stops the runs going on here and disconnects. Each run's signal aborts, so its
   * model call or tool in flight stops (a tool that ignores its `signal` runs on, and its result is
   * discarded); the step it cut off is not recorded, and the run stays unfinished under this worker's
   * `executorId`, for the next worker that starts with it (or `recoverRuns`) to go on after its last
   * completed step. Closing again does nothing.
   */
  close(): Promise<void>;
}

const WORKER_OPTION_KEYS: readonly string[] = [
  ...DURABLE_RUNS_OPTION_KEYS,
  ...Object.keys({
    agents: true,
    concurrency: true,
    applicationVersion: true,
    executorId: true,
  } satisfies Record<Exclude<keyof DurableWorkerOptions, keyof DurableRunsOptions>, true>),
];

// The worker that holds this process's DBOS: only it may shut DBOS down.
let owner: object | undefined;

/**
 * Starts this process's worker: DBOS on the database, the runs it had left (after a crash or a
 * restart) recovered, and runs taken from the queue, `concurrency` at a time. DBOS is one per
 * process, so a process has at most one worker; close it before starting another.
 */
export async function startDurableWorker(options: DurableWorkerOptions): Promise<DurableWorker> {
  checkOptionKeys(options, WORKER_OPTION_KEYS, 'startDurableWorker');
  const settings = readDurableRunsOptions(options, 'startDurableWorker');
  const { databaseUrl, applicationName, queueName, pollingIntervalMs } = settings;
  const agents = readAgents(options.agents);
  const concurrency = readCount(options.concurrency, 'startDurableWorker: concurrency', 10);
  if (options.applicationVersion !== undefined) readName(options.applicationVersion, 'applicationVersion', '');
  if (options.executorId !== undefined) readName(options.executorId, 'executorId', '');
  if (owner !== undefined || DBOS.isInitialized()) {
    throw new ConfigurationError(
      'startDurableWorker: this process runs a worker already (DBOS is one per process); close it first.',
    );
  }
  warnOfDefaults(options);
  const self = {};
  owner = self;
  const runningRuns = createRunningRuns();
  try {
    DBOS.registerWorkflow((input: RunInput) => runWorkflow(agents, runningRuns, DBOS.workflowID ?? '', input), {
      name: WORKFLOW_NAME,
    });
    DBOS.setConfig({
      name: applicationName,
      systemDatabaseUrl: databaseUrl,
      logger: createDbosLogger(),
      ...(options.applicationVersion === undefined ? {} : { applicationVersion: options.applicationVersion }),
      ...(options.executorId === undefined ? {} : { executorID: options.executorId }),
    });
    await DBOS.launch();
    await DBOS.registerQueue(queueName, {
      workerConcurrency: concurrency,
      minPollingIntervalMs: pollingIntervalMs,
      // Only the latest version's workers change the stored settings: an old worker in a rolling
      // deploy must not put its own back.
      onConflict: 'update_if_latest_version',
    });
    const runs = await openDurableRuns(settings);
    let closed: Promise<void> | undefined;
    const close = (): Promise<void> => {
      closed ??= (async () => {
        // Before DBOS stops: a run stopped now ends unrecorded instead of running on unwatched.
        runningRuns.stopAll();
        try {
          await runs.close();
        } finally {
          await stopDbos(self);
        }
      })();
      return closed;
    };
    return { ...runs, close, [Symbol.asyncDispose]: close };
  } catch (error) {
    try {
      await stopDbos(self);
    } catch (stopError) {
      // The start's own error says what to fix; the failed stop goes to the log.
      createDbosLogger().error(stopError);
    }
    throw error;
  }
}

// Shuts DBOS down for worker `self`, unless a newer worker holds it by now.
async function stopDbos(self: object): Promise<void> {
  if (owner !== self) return;
  try {
    // Deregistered, so that a later worker in this process registers the workflow with its agents.
    await DBOS.shutdown({ deregister: true });
  } finally {
    owner = undefined;
  }
}

// The defaults that suit one worker on a laptop and break a deployment say so at each start.
function warnOfDefaults(options: DurableWorkerOptions): void {
  if (options.applicationVersion === undefined) {
    getLogger().warn(
      'startDurableWorker: no applicationVersion. DBOS then derives one that stays the same across your releases, ' +
        'so a worker of new code would recover runs that old code started. Set it to your release version.',
    );
  }
  if (options.executorId === undefined && (process.env.DBOS__VMID ?? '') === '') {
    getLogger().warn(
      "startDurableWorker: no executorId, so this worker is DBOS's default 'local'. Fine for one worker; with " +
        'several, give each a stable id of its own, or a starting worker takes over the runs of a live one.',
    );
  }
}

function readAgents(value: unknown): ReadonlyMap<string, DurableAgent> {
  if (typeof value !== 'object' || value === null || Object.keys(value).length === 0) {
    throw new ConfigurationError(
      'startDurableWorker: agents must name at least one agent, e.g. { agents: { support: new ReactAgent({ ... }) } }.',
    );
  }
  const agents = new Map<string, DurableAgent>();
  for (const [name, agent] of Object.entries(value)) {
    const candidate = agent as Partial<DurableAgent> | null;
    if (typeof candidate?.run !== 'function' || typeof candidate.resume !== 'function') {
      throw new ConfigurationError(
        `startDurableWorker: agents.${name} is not an agent (an object with run and resume, such as a ReactAgent).`,
      );
    }
    agents.set(name, candidate as DurableAgent);
  }
  return agents;
}
