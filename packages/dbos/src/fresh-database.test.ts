import { inspect } from 'node:util';
import { ConfigurationError } from '@tinyagent/core';
import { afterAll, describe, expect, it } from 'vitest';
import { connectDurableRuns } from './durable-runs.ts';
import type { DurableRuns } from './durable-runs.ts';
import { hasUndefinedTable } from './missing-tables.ts';
import { countTask, startTestWorker } from './test-support/test-agents.ts';
import { useTestDatabase } from './test-support/test-setup.ts';

// A database no worker has started against: DBOS's tables are not there until a worker's launch makes them.
const database = useTestDatabase('tinyagent_dbos_fresh');
let client: DurableRuns | undefined;
let closeWorker: () => Promise<void> = () => Promise.resolve();

afterAll(async () => {
  await client?.close();
  await closeWorker();
});

async function failureOf(work: () => Promise<unknown>): Promise<unknown> {
  return work().then(
    () => new Error('It succeeded on a database without DBOS tables.'),
    (error: unknown) => error,
  );
}

describe('a client on a database no durable worker has started against', () => {
  it('says in every call to start a worker there first, without the password', async () => {
    client = await connectDurableRuns({ databaseUrl: database.databaseUrl, pollingIntervalMs: 50 });
    const runs = client;
    const readEvents = async () => {
      for await (const event of runs.events('some-run')) throw new Error(`An event: ${event.type}`);
    };
    const calls: Record<string, () => Promise<unknown>> = {
      submit: () => runs.submit('counter', countTask('fresh', 1)),
      status: () => runs.run('some-run').status(),
      pendingApprovals: () => runs.run('some-run').pendingApprovals(),
      result: () => runs.run('some-run').result(),
      'handle cancel': () => runs.run('some-run').cancel(),
      cancel: () => runs.cancel('some-run'),
      approve: () => runs.approve('some-run', 'call_0', { approved: true }),
      events: readEvents,
      recoverRuns: () => runs.recoverRuns('gone'),
    };
    const password = new URL(database.databaseUrl).password;
    for (const [name, call] of Object.entries(calls)) {
      const error = await failureOf(call);
      expect(error, name).toBeInstanceOf(ConfigurationError);
      expect(String(error), name).toMatch(/has no DBOS tables yet: no durable worker has started against it/);
      expect(String(error), name).toMatch(/startDurableWorker.*same databaseUrl.*then retry/);
      expect(inspect(error, { depth: 5 }), name).not.toContain(password);
    }
  });

  it('works, the same client, once a worker has started against the database', async () => {
    if (client === undefined) throw new Error('The first test did not connect.');
    ({ close: closeWorker } = await startTestWorker(database.databaseUrl, 'fresh'));
    const handle = await client.submit('counter', countTask('fresh', 1));
    await expect(handle.result()).resolves.toMatchObject({ state: 'completed', output: 'counted 1' });
  });
});

describe('hasUndefinedTable', () => {
  it("finds PostgreSQL's undefined_table code on the error or down its cause chain, and nothing else", () => {
    const undefinedTable = Object.assign(new Error('relation "dbos.workflow_status" does not exist'), {
      code: '42P01',
    });
    expect(hasUndefinedTable(undefinedTable)).toBe(true);
    expect(hasUndefinedTable(new Error('wrapped', { cause: new Error('again', { cause: undefinedTable }) }))).toBe(
      true,
    );
    expect(hasUndefinedTable(Object.assign(new Error('duplicate'), { code: '23505' }))).toBe(false);
    expect(hasUndefinedTable('relation "dbos.workflow_status" does not exist')).toBe(false);
    const loop: Error = new Error('a cause chain that loops');
    loop.cause = loop;
    expect(hasUndefinedTable(loop)).toBe(false);
  });
});
