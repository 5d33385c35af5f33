// The setup the dbos test files share, as vitest hooks: each file calls one of these at its top.
import { tempFiles } from '@tinyagent/testing';
import type { TempFiles } from '@tinyagent/testing';
import { afterAll, afterEach, beforeAll, inject } from 'vitest';
import { connectDurableRuns } from '../durable-runs.ts';
import type { DurableRuns } from '../durable-runs.ts';
import { TEST_TABLES } from './test-agents.ts';
import { createThrowawayDatabase, queryRows } from '../throwaway-postgres.ts';
import type { ThrowawayDatabase } from '../throwaway-postgres.ts';
import { startWorkerProcess } from './worker-process.ts';
import type { WorkerProcess } from './worker-process.ts';

/** A test file's own database, with the test agents' tables. */
export interface TestDatabaseSetup {
  /** Its URL; read it in a test or a hook, once the file's setup ran. */
  readonly databaseUrl: string;
}

/**
 * Creates the file's database (with the test agents' tables) before its tests, on the server the global
 * setup found, and drops it after them.
 */
export function useTestDatabase(prefix: string): TestDatabaseSetup {
  let database: ThrowawayDatabase | undefined;
  beforeAll(async () => {
    database = await createThrowawayDatabase(inject('databaseUrl'), prefix);
    await queryRows(database.url, TEST_TABLES);
  });
  afterAll(async () => {
    await database?.drop();
  });
  return {
    get databaseUrl() {
      if (database === undefined) throw new Error('The test database was not created.');
      return database.url;
    },
  };
}

/** A test file whose workers are child processes, and this process a client, as a web server is. */
export interface WorkerProcessesSetup extends TestDatabaseSetup {
  /** The file's client of the runs, polling every 50 ms. */
  readonly client: () => DurableRuns;
  /** Starts a worker process (named `executorId` when given); every one is stopped after each test. */
  readonly startWorker: (executorId?: string) => Promise<WorkerProcess>;
  /** The folder of the code agent's notes and release files, shared with the worker processes. */
  readonly files: TempFiles;
}

/** Sets up a test file whose workers are child processes: its database, a client, and its workers. */
export function useWorkerProcesses(prefix: string): WorkerProcessesSetup {
  const database = useTestDatabase(prefix);
  const files = tempFiles();
  const workers: WorkerProcess[] = [];
  let runs: DurableRuns | undefined;
  beforeAll(async () => {
    runs = await connectDurableRuns({ databaseUrl: database.databaseUrl, pollingIntervalMs: 50 });
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.stop()));
  });
  afterAll(async () => {
    await runs?.close();
    files.remove();
  });
  return {
    get databaseUrl() {
      return database.databaseUrl;
    },
    files,
    client: () => {
      if (runs === undefined) throw new Error('connectDurableRuns failed.');
      return runs;
    },
    startWorker: async (executorId) => {
      const worker = await startWorkerProcess(database.databaseUrl, files.folder, executorId);
      workers.push(worker);
      return worker;
    },
  };
}
