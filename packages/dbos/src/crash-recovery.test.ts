import { describe, expect, it } from 'vitest';
import type { DurableRunEvent } from './durable-types.ts';
import { countExecutions, countNotes, countTask } from './test-support/test-agents.ts';
import { queryRows } from './throwaway-postgres.ts';
import { useWorkerProcesses } from './test-support/test-setup.ts';

// Workers are separate processes, SIGKILLed mid-run; this process only submits, reads and releases.
const setup = useWorkerProcesses('tinyagent_dbos_crash');
const { client, startWorker, files } = setup;
const executions = (tag: string) => countExecutions(setup.databaseUrl, tag);

describe('a worker killed mid-run', () => {
  it('leaves the run to the next worker, which goes on after the last completed step', async () => {
    const first = await startWorker();
    const handle = await client().submit('counter', countTask('crash', 4, 3));
    await first.waitForLine((line) => line === 'holding crash 3');
    await first.kill();
    await queryRows(setup.databaseUrl, 'INSERT INTO releases (tag, n) VALUES ($1, $2)', ['crash', 3]);

    await startWorker();
    await expect(handle.result()).resolves.toMatchObject({ state: 'completed', output: 'counted 4' });
    // Steps 1 and 2 completed before the crash and never ran again; step 3 was cut off mid-call, so it
    // ran once more, as an interrupted step does.
    expect(await executions('crash')).toEqual({ 1: 1, 2: 1, 3: 2, 4: 1 });
  });

  it('publishes the run’s events to another process once each, across the crash', async () => {
    const first = await startWorker();
    const handle = await client().submit('counter', countTask('observed', 3, 2));
    await first.waitForLine((line) => line === 'holding observed 2');
    await first.kill();
    await queryRows(setup.databaseUrl, 'INSERT INTO releases (tag, n) VALUES ($1, $2)', ['observed', 2]);
    await startWorker();

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
    const first = await startWorker();
    const handle = await client().submit('coder', countTask('code', 3, 2));
    await first.waitForLine((line) => line === 'holding code 2');
    await first.kill();
    files.write('release-code-2', '');

    await startWorker();
    // `total` lives in the sandbox: the answer needs block 1's value, rebuilt from the journal.
    await expect(handle.result()).resolves.toMatchObject({ state: 'completed', output: 'total 6' });
    expect(countNotes(files.folder, 'code')).toEqual({ 1: 1, 2: 2, 3: 1 });
  });

  it('hands the runs of a worker that never comes back to a live one, which finishes them', async () => {
    const gone = await startWorker('machine-gone');
    const handle = await client().submit('counter', countTask('moved', 3, 2));
    await gone.waitForLine((line) => line === 'holding moved 2');
    await gone.kill();
    await queryRows(setup.databaseUrl, 'INSERT INTO releases (tag, n) VALUES ($1, $2)', ['moved', 2]);

    await startWorker('machine-live');
    expect(await client().recoverRuns('machine-gone')).toEqual([handle.runId]);
    await expect(handle.result()).resolves.toMatchObject({ state: 'completed', output: 'counted 3' });
    expect(await executions('moved')).toEqual({ 1: 1, 2: 2, 3: 1 });
    expect(await client().recoverRuns('machine-gone')).toEqual([]);
  });
});
