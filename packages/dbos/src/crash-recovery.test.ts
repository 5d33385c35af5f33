import { tempFiles } from '@tinyagent/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectDurableRuns } from './durable-runs.ts';
import type { DurableRuns } from './durable-runs.ts';
import type { DurableRunEvent } from './durable-types.ts';
import { TEST_TABLES, countNotes, countTask } from './test-support/test-agents.ts';
import { createTestDatabase, queryRows } from './test-support/test-database.ts';
import { startWorkerProcess } from './test-support/worker-process.ts';
import type { WorkerProcess } from './test-support/worker-process.ts';

// Workers are separate processes, SIGKILLed mid-run; this process only submits, reads and releases.
let databaseUrl = '';
let runs: DurableRuns | undefined;
const files = tempFiles();
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  databaseUrl = await createTestDatabase('tinyagent_dbos_crash');
  await queryRows(databaseUrl, TEST_TABLES);
  runs = await connectDurableRuns({ databaseUrl, pollingIntervalMs: 50 });
});

afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.stop()));
});

afterAll(async () => {
  await runs?.close();
  files.remove();
});

function client(): DurableRuns {
  if (runs === undefined) throw new Error('connectDurableRuns failed.');
  return runs;
}

async function startWorker(folder: string, executorId?: string): Promise<WorkerProcess> {
  const worker = await startWorkerProcess(databaseUrl, folder, executorId);
  workers.push(worker);
  return worker;
}

async function executions(tag: string): Promise<Record<number, number>> {
  const rows = await queryRows<{ n: number; count: string }>(
    databaseUrl,
    'SELECT n, count(*) AS count FROM executions WHERE tag = $1 GROUP BY n ORDER BY n',
    [tag],
  );
  return Object.fromEntries(rows.map((row) => [row.n, Number(row.count)]));
}

describe('a worker killed mid-run', () => {
  it('leaves the run to the next worker, which goes on after the last completed step', async () => {
    const folder = files.folder;
    const first = await startWorker(folder);
    const handle = await client().submit('counter', countTask('crash', 4, 3));
    await first.waitForLine((line) => line === 'holding crash 3');
    await first.kill();
    await queryRows(databaseUrl, 'INSERT INTO releases (tag, n) VALUES ($1, $2)', ['crash', 3]);

    await startWorker(folder);
    await expect(handle.result()).resolves.toMatchObject({ state: 'completed', output: 'counted 4' });
    // Steps 1 and 2 completed before the crash and never ran again; step 3 was cut off mid-call, so it
    // ran once more, as an interrupted step does.
    expect(await executions('crash')).toEqual({ 1: 1, 2: 1, 3: 2, 4: 1 });
  });

  it('publishes the run’s events to another process once each, across the crash', async () => {
    const folder = files.folder;
    const first = await startWorker(folder);
    const handle = await client().submit('counter', countTask('observed', 3, 2));
    await first.waitForLine((line) => line === 'holding observed 2');
    await first.kill();
    await queryRows(databaseUrl, 'INSERT INTO releases (tag, n) VALUES ($1, $2)', ['observed', 2]);
    await startWorker(folder);

    const events: DurableRunEvent[] = [];
    for await (const event of handle.events()) events.push(event);
    // One id, the handle's, and one unbroken sequence across the crash: no event repeated, none lost.
    expect(new Set(events.map((event) => event.runId))).toEqual(new Set([handle.runId]));
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
    const toolEnds = events.filter((event) => event.type === 'tool-end');
    expect(toolEnds.map((event) => event.toolCallId)).toEqual(['call_1', 'call_2', 'call_3']);
    expect(events.filter((event) => event.type === 'run-start')).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ type: 'run-end', result: { state: 'completed', output: 'counted 3' } });
  });

  it('leaves a code agent’s run to the next worker, its sandbox rebuilt without calling a tool twice', async () => {
    const folder = files.folder;
    const first = await startWorker(folder);
    const handle = await client().submit('coder', countTask('code', 3, 2));
    await first.waitForLine((line) => line === 'holding code 2');
    await first.kill();
    files.write('release-code-2', '');

    await startWorker(folder);
    // `total` lives in the sandbox: the answer needs block 1's value, rebuilt from the journal.
    await expect(handle.result()).resolves.toMatchObject({ state: 'completed', output: 'total 6' });
    expect(countNotes(folder, 'code')).toEqual({ 1: 1, 2: 2, 3: 1 });
  });

  it('hands the runs of a worker that never comes back to a live one, which finishes them', async () => {
    const folder = files.folder;
    const gone = await startWorker(folder, 'machine-gone');
    const handle = await client().submit('counter', countTask('moved', 3, 2));
    await gone.waitForLine((line) => line === 'holding moved 2');
    await gone.kill();
    await queryRows(databaseUrl, 'INSERT INTO releases (tag, n) VALUES ($1, $2)', ['moved', 2]);

    await startWorker(folder, 'machine-live');
    expect(await client().recoverRuns('machine-gone')).toEqual([handle.runId]);
    await expect(handle.result()).resolves.toMatchObject({ state: 'completed', output: 'counted 3' });
    expect(await executions('moved')).toEqual({ 1: 1, 2: 2, 3: 1 });
    expect(await client().recoverRuns('machine-gone')).toEqual([]);
  });
});
