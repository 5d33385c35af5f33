import { ConfigurationError, redactSecrets } from '@tinyagent/core';
import type { CustomEvent } from '@tinyagent/core';
import { databaseLocation } from './database-url.ts';
import type { DurableRuns } from './durable-runs.ts';
import type { DurableRunHandle } from './run-handle.ts';

// PostgreSQL's undefined_table: what pg's DatabaseError carries when DBOS's tables are not there.
const UNDEFINED_TABLE = '42P01';
// Far deeper than any real wrapping; bounds a cause chain that loops.
const MAX_CAUSES = 10;

/** Whether `error`, or an error in its `cause` chain, is PostgreSQL's undefined_table (code 42P01). */
export function hasUndefinedTable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < MAX_CAUSES && typeof current === 'object' && current !== null; depth++) {
    if ((current as { code?: unknown }).code === UNDEFINED_TABLE) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * Wraps `runs` so that a call on a database without DBOS's tables rejects with a ConfigurationError
 * that says to start a worker. Only a worker's DBOS.launch creates them; a client's DBOS calls then
 * fail with pg's bare `relation "dbos.workflow_status" does not exist`. Checked per call, not at
 * connect: a worker that starts later makes the same client work.
 */
export function explainMissingTables(runs: DurableRuns, databaseUrl: string): DurableRuns {
  const explain = (error: unknown): unknown =>
    hasUndefinedTable(error) && !(error instanceof ConfigurationError) ? missingTablesError(databaseUrl, error) : error;
  const call = <Result>(work: Promise<Result>): Promise<Result> =>
    work.catch((error: unknown) => {
      throw explain(error);
    });
  async function* stream<Event>(events: AsyncIterable<Event>): AsyncGenerator<Event> {
    try {
      yield* events;
    } catch (error) {
      throw explain(error);
    }
  }
  const handle = (inner: DurableRunHandle): DurableRunHandle => ({
    runId: inner.runId,
    status: () => call(inner.status()),
    pendingApprovals: () => call(inner.pendingApprovals()),
    result: () => call(inner.result()),
    cancel: () => call(inner.cancel()),
    events: <Custom extends CustomEvent = never>() => stream(inner.events<Custom>()),
  });
  // Each call reaches `runs` at once, so a bad argument still throws synchronously where it did.
  return {
    ...runs,
    submit: async (agent, task, options) => handle(await call(runs.submit(agent, task, options))),
    run: (runId) => handle(runs.run(runId)),
    approve: (runId, callId, decision) => call(runs.approve(runId, callId, decision)),
    cancel: (runId) => call(runs.cancel(runId)),
    events: <Custom extends CustomEvent = never>(runId: string) => stream(runs.events<Custom>(runId)),
    recoverRuns: (executorId) => call(runs.recoverRuns(executorId)),
  };
}

function missingTablesError(databaseUrl: string, cause: unknown): ConfigurationError {
  return new ConfigurationError(
    redactSecrets(
      `The PostgreSQL database at ${databaseLocation(databaseUrl)} has no DBOS tables yet: no durable worker has started ` +
        'against it, and only a worker creates them. Start one (startDurableWorker with the same databaseUrl) once, ' +
        'then retry; this client works from then on.',
    ),
    { cause },
  );
}
