import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDurableWorker } from './durable-worker.ts';
import { TEST_TABLES, createTestAgents } from './test-support/test-agents.ts';
import { createTestDatabase, queryRows } from './test-support/test-database.ts';

// Workers in this process, one at a time, started and closed by each test.
let databaseUrl = '';
let closeAgents: () => Promise<void> = () => Promise.resolve();
let agents: ReturnType<typeof createTestAgents>['agents'] = {};

beforeAll(async () => {
  databaseUrl = await createTestDatabase('tinyagent_dbos_worker');
  await queryRows(databaseUrl, TEST_TABLES);
  const test = createTestAgents(databaseUrl, '');
  agents = test.agents;
  closeAgents = test.close;
});

afterAll(async () => {
  await closeAgents();
});

describe('the queue settings', () => {
  it('are set by a worker of the latest version, and left alone by an older one that starts later', async () => {
    const start = (applicationVersion: string, concurrency: number) =>
      startDurableWorker({ databaseUrl, agents, applicationVersion, concurrency, executorId: 'settings' });
    await (await start('release-1', 1)).close();
    await (await start('release-2', 5)).close();
    await (await start('release-1', 1)).close();
    const rows = await queryRows<{ worker_concurrency: number }>(
      databaseUrl,
      'SELECT worker_concurrency FROM dbos.queues WHERE name = $1',
      ['tinyagent-runs'],
    );
    expect(rows).toEqual([{ worker_concurrency: 5 }]);
  });
});
