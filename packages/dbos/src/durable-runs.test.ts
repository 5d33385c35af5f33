import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { DBOS } from '@dbos-inc/dbos-sdk';
import { ConfigurationError } from '@tinyagent/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startDurableWorker } from './durable-worker.ts';
import type { DurableWorker } from './durable-worker.ts';
import { connectDurableRuns } from './durable-runs.ts';
import type { DurableRunEvent } from './durable-types.ts';
import {
  approveTask,
  countExecutions,
  countTask,
  createTestAgents,
  startTestWorker,
} from './test-support/test-agents.ts';
import { queryRows } from './throwaway-postgres.ts';
import { useTestDatabase } from './test-support/test-setup.ts';

const database = useTestDatabase('tinyagent_dbos_runs');
let worker: DurableWorker | undefined;
let closeWorker: () => Promise<void> = () => Promise.resolve();

beforeAll(async () => {
  ({ worker, close: closeWorker } = await startTestWorker(database.databaseUrl, 'runs'));
});

afterAll(async () => {
  await closeWorker();
});

function runs(): DurableWorker {
  if (worker === undefined) throw new Error('The worker did not start.');
  return worker;
}

const executions = (tag: string) => countExecutions(database.databaseUrl, tag);

describe('a durable run', () => {
  it('completes with each model call and tool execution run once, as a DBOS step named by its step id', async () => {
    const handle = await runs().submit('counter', countTask('once', 3));
    const outcome = await handle.result();
    expect(outcome).toMatchObject({ runId: handle.runId, state: 'completed', output: 'counted 3', stepsTaken: 4 });
    expect(await executions('once')).toEqual({ 1: 1, 2: 1, 3: 1 });
    const steps = (await DBOS.listWorkflowSteps(handle.runId)) ?? [];
    const names = steps.map((step) => step.name).filter((name) => /^\d+\//.test(name));
    expect(names).toEqual([
      '1/model',
      '1/tool/call_1',
      '2/model',
      '2/tool/call_2',
      '3/model',
      '3/tool/call_3',
      '4/model',
    ]);
    expect(await handle.status()).toBe('finished');
  });

  it('publishes its events in order, each once, ending with run-end', async () => {
    const handle = await runs().submit('counter', countTask('events', 2));
    const events: DurableRunEvent[] = [];
    for await (const event of handle.events()) events.push(event);
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
    expect(
      events.filter((event) => event.type === 'tool-end').map((event) => (event as { output: string }).output),
    ).toEqual(['recorded 1', 'recorded 2']);
    expect(events.at(-1)).toMatchObject({ type: 'run-end', result: { state: 'completed', output: 'counted 2' } });
  });

  it('publishes the events before a slow tool call while the call runs', async () => {
    const handle = await runs().submit('counter', countTask('live', 2, 2));
    const seen: DurableRunEvent[] = [];
    for await (const event of handle.events()) {
      seen.push(event);
      if (event.type === 'tool-start' && event.toolCallId === 'call_2') break;
    }
    // Nothing released the call yet: a write during it published the events up to its start.
    expect(await executions('live')).toEqual({ 1: 1, 2: 1 });
    expect(await handle.status()).toBe('running');
    expect(seen.map((event) => event.seq)).toEqual(seen.map((_, index) => index + 1));
    await queryRows(database.databaseUrl, 'INSERT INTO releases (tag, n) VALUES ($1, $2)', ['live', 2]);
    await expect(handle.result()).resolves.toMatchObject({ state: 'completed', output: 'counted 2' });
  });

  it('publishes every event of tool calls that run at once, in one increasing sequence', async () => {
    const handle = await runs().submit('fanout', countTask('fan-events', 8));
    const events: DurableRunEvent[] = [];
    for await (const event of handle.events()) events.push(event);
    // Each call's step writes the events before it when DBOS reaches its body, in any order; a batch
    // written out of order would be dropped by the reader as a repeat.
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
    expect(events.filter((event) => event.type === 'tool-start')).toHaveLength(8);
    expect(events.filter((event) => event.type === 'tool-end')).toHaveLength(8);
    expect(events.at(-1)).toMatchObject({ type: 'run-end', result: { state: 'completed', output: 'fanned 8' } });
  });

  it('returns the run that has a runId when it is submitted again', async () => {
    const first = await runs().submit('counter', countTask('again', 1), { runId: 'request-1' });
    const second = await runs().submit('counter', countTask('again', 1), { runId: 'request-1' });
    expect(second.runId).toBe(first.runId);
    await expect(second.result()).resolves.toMatchObject({ output: 'counted 1' });
    expect(await executions('again')).toEqual({ 1: 1 });
  });

  it('fails a run of an agent the workers do not have, saying so', async () => {
    const handle = await runs().submit('nobody', 'hello');
    await expect(handle.result()).rejects.toThrow(/No agent named 'nobody'/);
    expect(await handle.status()).toBe('failed');
  });
});

// Reads the run's events to its end, approving every call it asks about.
async function approveAll(runId: string): Promise<DurableRunEvent[]> {
  const events: DurableRunEvent[] = [];
  for await (const event of runs().events(runId)) {
    events.push(event);
    if (event.type === 'approval-requested') await runs().approve(runId, event.approval.callId, { approved: true });
  }
  return events;
}

describe('a durable run that pauses for approval', () => {
  it('publishes every event across the pause, the approved call’s included, in one increasing sequence', async () => {
    const handle = await runs().submit('payer', 'pay-events');
    const events = await approveAll(handle.runId);
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
    const resolved = events.findIndex((event) => event.type === 'approval-resolved');
    const started = events.findIndex((event) => event.type === 'tool-start' && event.toolCallId === 'call_pay');
    expect(resolved).toBeGreaterThan(-1);
    expect(started).toBeGreaterThan(resolved);
    expect(events.filter((event) => event.type === 'run-start')).toHaveLength(2);
    expect(events.at(-1)).toMatchObject({ type: 'run-end', result: { state: 'completed', output: 'transfer: sent' } });
  });

  it('takes a decision on a call id the run pauses on a second time', async () => {
    const handle = await runs().submit('approver', approveTask('pay-twice', 1, 2));
    const events = await approveAll(handle.runId);
    expect(events.filter((event) => event.type === 'approval-requested')).toHaveLength(2);
    await expect(handle.result()).resolves.toMatchObject({ state: 'completed', output: 'paid 2' });
    expect(await executions('pay-twice')).toEqual({ 1: 2 });
  });

  it('refuses a second decision on a call it has its decision on, while it waits for the others', async () => {
    const handle = await runs().submit('approver', approveTask('pay-both', 2, 1));
    await vi.waitFor(async () => expect(await handle.pendingApprovals()).toHaveLength(2), { timeout: 30_000 });
    await runs().approve(handle.runId, 'call_0', { approved: true });
    await vi.waitFor(
      async () => expect((await handle.pendingApprovals()).map((approval) => approval.callId)).toEqual(['call_1']),
      { timeout: 30_000 },
    );
    const again = runs().approve(handle.runId, 'call_0', { approved: false, reason: 'changed my mind' });
    await expect(again).rejects.toThrow(ConfigurationError);
    await expect(again).rejects.toThrow(/it waits for: call_1/);
    await runs().approve(handle.runId, 'call_1', { approved: true });
    await expect(handle.result()).resolves.toMatchObject({ state: 'completed', output: 'paid 2' });
    expect(await executions('pay-both')).toEqual({ 1: 2 });
  });

  it('fails with a ConfigurationError when an agent called as a tool waits for approval', async () => {
    const handle = await runs().submit('manager', 'pay-nested');
    const outcome = await handle.result();
    expect(outcome.state).toBe('error');
    expect(outcome.error).toMatchObject({ name: 'ConfigurationError' });
    expect(outcome.error?.message).toMatch(/approval of an agent called as a tool .* not durable/);
    expect(await executions('pay-nested')).toEqual({});
  });
});

describe('bad input', () => {
  it('rejects unknown options and bad values with a ConfigurationError that says what to do', async () => {
    await expect(connectDurableRuns({ databaseUrl: database.databaseUrl, queue: 'x' } as never)).rejects.toThrow(
      /unknown option 'queue'/,
    );
    await expect(connectDurableRuns({ databaseUrl: 'mysql://x@127.0.0.1/db' })).rejects.toThrow(ConfigurationError);
    const badEscape = connectDurableRuns({ databaseUrl: 'postgres://u:p%zzsecret@127.0.0.1:5432/db' });
    await expect(badEscape).rejects.toThrow(ConfigurationError);
    await expect(badEscape).rejects.toThrow(/write it as %25/);
    await expect(runs().submit('counter', '')).rejects.toThrow(/non-empty string/);
    await expect(runs().submit('counter', 'x', { maxSteps: 0 })).rejects.toThrow(/maxSteps must be a positive integer/);
    await expect(runs().submit('counter', 'x', { retries: 1 } as never)).rejects.toThrow(/unknown option 'retries'/);
    await expect(runs().approve('r', 'c', { approved: 'yes' } as never)).rejects.toThrow(/approved: true/);
    await expect(runs().run('missing').status()).rejects.toThrow(/No durable run has the id 'missing'/);
    await expect(
      startDurableWorker({ databaseUrl: database.databaseUrl, agents: { counter: { run: () => undefined } as never } }),
    ).rejects.toThrow(/agents.counter is not an agent/);
  });

  it('refuses a run id no run has, in every call of its handle, instead of waiting for it forever', async () => {
    const missing = runs().run('missing');
    const unknown = /No durable run has the id 'missing'/;
    await expect(missing.status()).rejects.toThrow(unknown);
    await expect(missing.result()).rejects.toThrow(ConfigurationError);
    await expect(missing.result()).rejects.toThrow(unknown);
    await expect(missing.cancel()).rejects.toThrow(unknown);
    await expect(runs().cancel('missing')).rejects.toThrow(ConfigurationError);
    const readMissing = async () => {
      for await (const event of missing.events()) throw new Error(`An event of no run: ${event.type}`);
    };
    await expect(readMissing()).rejects.toThrow(ConfigurationError);
    await expect(readMissing()).rejects.toThrow(unknown);
  }, 10_000);

  it('fails at once, saying what to do, when no PostgreSQL answers at databaseUrl', async () => {
    // A port nothing listens on: DBOS would retry every call on it, silently, for ever.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const databaseUrl = `postgres://someone:a-password-nobody-may-see@127.0.0.1:${String(port)}/app`;

    const refused: unknown = await connectDurableRuns({ databaseUrl }).then(
      (client) => client.close(),
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(ConfigurationError);
    expect(String(refused)).toMatch(new RegExp(`could not connect to PostgreSQL at 127\\.0\\.0\\.1:${String(port)}`));
    expect(String(refused)).toMatch(/ECONNREFUSED/);
    expect(inspect(refused, { depth: 5 })).not.toContain('a-password-nobody-may-see');
  });

  it('refuses a second worker in one process', async () => {
    const { agents, close } = createTestAgents(database.databaseUrl, '');
    await expect(startDurableWorker({ databaseUrl: database.databaseUrl, agents })).rejects.toThrow(
      /runs a worker already/,
    );
    await close();
  });
});
