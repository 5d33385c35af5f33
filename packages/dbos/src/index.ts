// @tinyagent/dbos: the public entry. Durable agent runs on DBOS Transact and PostgreSQL: workers run
// them (startDurableWorker), any process submits, follows, approves and cancels them (connectDurableRuns).
export { startDurableWorker } from './durable-worker.ts';
export type { DurableWorker, DurableWorkerOptions } from './durable-worker.ts';
export { connectDurableRuns } from './durable-runs.ts';
export type { DurableRuns, DurableRunsOptions, SubmitOptions } from './durable-runs.ts';
export type { DurableRunHandle } from './run-handle.ts';
export type {
  DurableAgent,
  DurableRunStatus,
  DurableRunOutcome,
  DurableRunEvent,
  DurableToolEndEvent,
  DurableRunEndEvent,
} from './durable-types.ts';
