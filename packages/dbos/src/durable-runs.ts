import { DBOSClient } from '@dbos-inc/dbos-sdk';
import { ConfigurationError, stringifyResult } from '@tinyagent/core';
import type { ApprovalDecision, CustomEvent } from '@tinyagent/core';
import { checkOptionKeys } from '@tinyagent/core/internal';
import { checkDatabaseReachable, readDatabaseUrl } from './database-url.ts';
import { createDbosLogger } from './dbos-logger.ts';
import { explainMissingTables } from './missing-tables.ts';
import { createRunHandle } from './run-handle.ts';
import type { DurableRunHandle } from './run-handle.ts';
import { APPROVAL_TOPIC, WORKFLOW_NAME } from './run-workflow.ts';
import type { RunInput } from './run-workflow.ts';
import type { ApprovalMessage, DurableRunEvent } from './durable-types.ts';

/** Options of `connectDurableRuns`: where the runs are. Workers and clients of one application share them. */
export interface DurableRunsOptions {
  /** The PostgreSQL database DBOS keeps its tables in (`postgres://user:password@host:port/database`). */
  databaseUrl: string;
  /** The DBOS application the runs belong to; default `tinyagent`. */
  applicationName?: string | undefined;
  /**
   * The DBOS queue runs are submitted to; default `<applicationName>-runs`. A queue belongs to one
   * application: applications sharing a database need queues of their own.
   */
  queueName?: string | undefined;
  /**
   * How often, in milliseconds, a wait on PostgreSQL looks again: a handle's `result()` and `events()`,
   * and a worker's queue (DBOS's `minPollingIntervalMs`, stored with the queue like `concurrency`: the
   * latest application version's workers set it). Default 1 000; lower answers sooner and queries more.
   */
  pollingIntervalMs?: number | undefined;
}

/** Options of one submitted run. */
export interface SubmitOptions {
  /**
   * The run's id; default a new UUID. Submitting an id again returns the run that has it instead of
   * starting another: pass your own request id to make a retried submission safe.
   */
  runId?: string | undefined;
  /** Steps (model turns) before the run stops; default the agent's. */
  maxSteps?: number | undefined;
}

/** Durable runs, from any process: submit, follow, approve and cancel them. */
export interface DurableRuns extends AsyncDisposable {
  /** Submits a run of the agent registered as `agent` on the workers, on `task`, to the queue. */
  submit(agent: string, task: string, options?: SubmitOptions): Promise<DurableRunHandle>;
  /** The handle of a run submitted earlier, by any process. */
  run(runId: string): DurableRunHandle;
  /**
   * Sends the decision on call `callId` of a run that waits for approval; the run goes on, on whichever
   * worker takes it, once every call it waits for is decided. Throws ConfigurationError when the run
   * does not wait for that call (unknown run, decided already, not paused yet, or ended: cancelled
   * while it waited, say).
   */
  approve(runId: string, callId: string, decision: ApprovalDecision): Promise<void>;
  /** Cancels run `runId`, wherever it runs or waits. Throws ConfigurationError for an id no run has. */
  cancel(runId: string): Promise<void>;
  /** The events of run `runId` (see DurableRunHandle.events). */
  events<Custom extends CustomEvent = never>(runId: string): AsyncIterable<DurableRunEvent<Custom>>;
  /**
   * Hands the unfinished runs of the worker named `executorId` to the queue, where any live worker takes
   * them and goes on after their last completed step; resolves with their ids. For a worker that will
   * never start again (its machine is gone): a worker that restarts with its id recovers its runs by
   * itself, and a live one would run them twice.
   */
  recoverRuns(executorId: string): Promise<string[]>;
  /** Closes the connection to the database. */
  close(): Promise<void>;
}

/** Every key of DurableRunsOptions. */
export const DURABLE_RUNS_OPTION_KEYS: readonly string[] = Object.keys({
  databaseUrl: true,
  applicationName: true,
  queueName: true,
  pollingIntervalMs: true,
} satisfies Record<keyof DurableRunsOptions, true>);

const SUBMIT_OPTION_KEYS: readonly string[] = Object.keys({
  runId: true,
  maxSteps: true,
} satisfies Record<keyof SubmitOptions, true>);

/** The application's name when the options leave it out. */
export const DEFAULT_APPLICATION_NAME = 'tinyagent';

/**
 * Connects to the durable runs of an application, without running any: for a web server, a UI or a
 * script that submits runs, follows them, approves and cancels. Workers (`startDurableWorker`) run them.
 * Rejects with ConfigurationError when no PostgreSQL answers at `databaseUrl` or it refuses the login.
 * Until a worker has started against the database (it creates DBOS's tables), every call rejects with
 * a ConfigurationError that says so; the same client works once one has.
 */
export async function connectDurableRuns(options: DurableRunsOptions): Promise<DurableRuns> {
  checkOptionKeys(options, DURABLE_RUNS_OPTION_KEYS, 'connectDurableRuns');
  const settings = readDurableRunsOptions(options, 'connectDurableRuns');
  // A worker's DBOS.launch fails on its own when nothing answers; a DBOS client would wait for ever.
  await checkDatabaseReachable(settings.databaseUrl, 'connectDurableRuns');
  return openDurableRuns(settings);
}

/** DurableRunsOptions checked, with every default filled in. */
export type DurableRunsSettings = Required<{ [Key in keyof DurableRunsOptions]: NonNullable<DurableRunsOptions[Key]> }>;

/** Checks the values of DurableRunsOptions (not their keys) and fills in the defaults; `owner` names the caller. */
export function readDurableRunsOptions(options: DurableRunsOptions, owner: string): DurableRunsSettings {
  const databaseUrl = readDatabaseUrl(options.databaseUrl, owner);
  const applicationName = readName(options.applicationName, 'applicationName', DEFAULT_APPLICATION_NAME);
  const queueName = readName(options.queueName, 'queueName', `${applicationName}-runs`);
  const pollingIntervalMs = readCount(options.pollingIntervalMs, `${owner}: pollingIntervalMs`, 1_000);
  return { databaseUrl, applicationName, queueName, pollingIntervalMs };
}

/** Connects to the durable runs of settings read once (by `connectDurableRuns` or a worker). */
export async function openDurableRuns(settings: DurableRunsSettings): Promise<DurableRuns> {
  const { databaseUrl, applicationName, queueName, pollingIntervalMs } = settings;
  const client = await DBOSClient.create({
    systemDatabaseUrl: databaseUrl,
    applicationName,
    logger: createDbosLogger(),
  });
  const handle = (runId: string) => createRunHandle(client, runId, pollingIntervalMs);
  const close = () => client.destroy();
  const runs: DurableRuns = {
    submit: async (agent, task, submitOptions = {}) => {
      const input = readSubmission(agent, task, submitOptions);
      const enqueued = await client.enqueue(
        {
          queueName,
          workflowName: WORKFLOW_NAME,
          ...(submitOptions.runId === undefined ? {} : { workflowID: submitOptions.runId }),
        },
        input,
      );
      return handle(enqueued.workflowID);
    },
    run: (runId) => handle(readRunId(runId)),
    approve: async (runId, callId, decision) => {
      readRunId(runId);
      checkDecision(decision);
      const pending = await handle(runId).pendingApprovals();
      const waitedFor = pending.find((approval) => approval.callId === callId);
      if (waitedFor === undefined) {
        // Throws for an unknown run; an ended one waits for nothing, and a decision sent to it is lost.
        const status = await handle(runId).status();
        if (status === 'finished' || status === 'failed' || status === 'cancelled') {
          throw new ConfigurationError(
            `Durable run ${runId} ${status === 'cancelled' ? 'was cancelled' : `has ${status}`}: it waits for no decision.`,
          );
        }
        const waiting = pending.map((approval) => approval.callId).join(', ');
        throw new ConfigurationError(
          `Durable run ${runId} does not wait for a decision on '${callId}'${waiting === '' ? ' (it waits for none now)' : `; it waits for: ${waiting}`}. Wait for its approval-requested event or status 'awaiting_approval' first.`,
        );
      }
      const message: ApprovalMessage = { callId, decision };
      // Keyed by the pause's step and the call: a decision sent twice (a retried request) reaches the
      // run once, and a later pause on the same call id (providers reuse `call_0`) gets its own.
      await client.send(runId, message, APPROVAL_TOPIC, `${runId}/${String(waitedFor.step)}/${callId}`);
    },
    cancel: (runId) => handle(readRunId(runId)).cancel(),
    recoverRuns: async (executorId) => {
      readName(executorId, 'recoverRuns: executorId', '');
      const pending = await client.listWorkflows({ status: 'PENDING', executorId, workflowName: WORKFLOW_NAME });
      const runIds = pending.map((workflow) => workflow.workflowID);
      if (runIds.length > 0) await client.resumeWorkflows(runIds, { queueName });
      return runIds;
    },
    events: <Custom extends CustomEvent = never>(runId: string) => handle(readRunId(runId)).events<Custom>(),
    close,
    [Symbol.asyncDispose]: close,
  };
  return explainMissingTables(runs, databaseUrl);
}

function readSubmission(agent: unknown, task: unknown, options: SubmitOptions): RunInput {
  checkOptionKeys(options, SUBMIT_OPTION_KEYS, 'submit');
  if (typeof agent !== 'string' || agent === '') {
    throw new ConfigurationError('submit: agent must be the name of an agent the workers were started with.');
  }
  if (typeof task !== 'string' || task.trim() === '') {
    throw new ConfigurationError(
      'submit: the task must be a non-empty string: the question or instruction for the agent.',
    );
  }
  const { maxSteps, runId } = options;
  if (maxSteps !== undefined && !(Number.isInteger(maxSteps) && maxSteps > 0)) {
    throw new ConfigurationError(`submit: maxSteps must be a positive integer; got ${String(maxSteps)}.`);
  }
  if (runId !== undefined) readRunId(runId);
  return { agent, task, ...(maxSteps === undefined ? {} : { maxSteps }) };
}

function readRunId(runId: unknown): string {
  if (typeof runId !== 'string' || runId === '') {
    throw new ConfigurationError('A run id must be a non-empty string: the runId of a handle from submit().');
  }
  return runId;
}

function checkDecision(decision: unknown): void {
  const value = decision as { approved?: unknown; reason?: unknown } | null;
  const valid =
    typeof value === 'object' &&
    value !== null &&
    typeof value.approved === 'boolean' &&
    (value.reason === undefined || (!value.approved && typeof value.reason === 'string')) &&
    Object.keys(value).every((key) => key === 'approved' || key === 'reason');
  if (!valid) {
    throw new ConfigurationError(
      "approve: the decision must be { approved: true } or { approved: false, reason?: 'why' }.",
    );
  }
}

/** Reads an optional count option: a positive integer. */
export function readCount(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ConfigurationError(`${name} must be a positive integer; got ${stringifyResult(value)}.`);
  }
  return value;
}

/** Reads an optional name option. */
export function readName(value: unknown, name: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !/^[\w.-]{1,100}$/.test(value)) {
    throw new ConfigurationError(
      `${name} must be 1 to 100 letters, digits, '_', '.' or '-'; got ${stringifyResult(value)}.`,
    );
  }
  return value;
}
