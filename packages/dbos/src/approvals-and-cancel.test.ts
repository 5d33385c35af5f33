import { DBOSClient } from '@dbos-inc/dbos-sdk';
import { ConfigurationError, RunAbortedError } from '@tinyagent/core';
import { describe, expect, it } from 'vitest';
import { EVENTS_STREAM } from './event-publisher.ts';
import type { DurableRunHandle } from './run-handle.ts';
import { countExecutions, countTask } from './test-support/test-agents.ts';
import { useWorkerProcesses } from './test-support/test-setup.ts';

// Workers are separate processes; this process approves, cancels and reads, as a web server would.
const setup = useWorkerProcesses('tinyagent_dbos_approvals');
const { client, startWorker } = setup;

async function executionCount(tag: string): Promise<number> {
  return Object.values(await countExecutions(setup.databaseUrl, tag)).reduce((sum, count) => sum + count, 0);
}

// The seq of every event in the run's stream as stored, repeats included (handles drop those).
async function storedSeqs(runId: string): Promise<number[]> {
  const dbos = await DBOSClient.create({ systemDatabaseUrl: setup.databaseUrl });
  try {
    const seqs: number[] = [];
    for await (const batch of dbos.readStream<{ seq: number }[]>(runId, EVENTS_STREAM)) {
      seqs.push(...batch.map((event) => event.seq));
    }
    return seqs;
  } finally {
    await dbos.destroy();
  }
}

// The run's own events say when it waits: no polling of its status.
async function waitForApprovalRequest(handle: DurableRunHandle): Promise<string> {
  for await (const event of handle.events()) {
    if (event.type === 'approval-requested' && 'approval' in event) return event.approval.callId;
  }
  throw new Error(`Run ${handle.runId} ended without asking for approval.`);
}

describe('approvals', () => {
  it('survive every worker’s death: a new worker finishes the run another process approved', async () => {
    const first = await startWorker();
    const handle = await client().submit('payer', 'pay-restart');
    expect(await waitForApprovalRequest(handle)).toBe('call_pay');
    expect(await handle.status()).toBe('awaiting_approval');
    expect((await handle.pendingApprovals()).map((approval) => approval.callId)).toEqual(['call_pay']);
    await first.kill();

    await startWorker();
    await client().approve(handle.runId, 'call_pay', { approved: true });
    await expect(handle.result()).resolves.toMatchObject({ state: 'completed', output: 'transfer: sent' });
    expect(await executionCount('pay-restart')).toBe(1);
    // No step was cut off: the new worker's replay wrote none of the events the first one published,
    // and the stream as stored holds each event once, in one unbroken sequence.
    const stored = await storedSeqs(handle.runId);
    expect(stored).toEqual(stored.map((_, index) => index + 1));
  });

  it('take a decline to the model, and the call never runs', async () => {
    await startWorker();
    const handle = await client().submit('payer', 'pay-declined');
    await waitForApprovalRequest(handle);
    await client().approve(handle.runId, 'call_pay', { approved: false, reason: 'paid already' });
    const outcome = await handle.result();
    expect(outcome.output).toMatch(/^transfer: Error: The user declined this call/);
    expect(await executionCount('pay-declined')).toBe(0);
  });

  it('refuse a decision on a call the run does not wait for, naming what it waits for', async () => {
    await startWorker();
    const handle = await client().submit('payer', 'pay-wrong-call');
    await waitForApprovalRequest(handle);
    const wrong = client().approve(handle.runId, 'call_other', { approved: true });
    await expect(wrong).rejects.toThrow(ConfigurationError);
    await expect(wrong).rejects.toThrow(/it waits for: call_pay/);
    await expect(client().approve('no-such-run', 'call_pay', { approved: true })).rejects.toThrow(/No durable run/);
    await client().cancel(handle.runId);
  });
});

describe('cancel from another process', () => {
  it('ends a run that waits for approval; its call never runs', async () => {
    await startWorker();
    const handle = await client().submit('payer', 'pay-cancelled');
    await waitForApprovalRequest(handle);
    await client().cancel(handle.runId);
    await expect(handle.result()).rejects.toThrow(RunAbortedError);
    expect(await handle.status()).toBe('cancelled');
    expect(await executionCount('pay-cancelled')).toBe(0);
    // It waits for nothing now: a late decision is refused, not sent to a run that will never take it.
    expect(await handle.pendingApprovals()).toEqual([]);
    const late = client().approve(handle.runId, 'call_pay', { approved: true });
    await expect(late).rejects.toThrow(ConfigurationError);
    await expect(late).rejects.toThrow(/was cancelled: it waits for no decision/);
  });

  it('stops a running run on the worker that holds it, aborting the tool in flight', async () => {
    const worker = await startWorker();
    const handle = await client().submit('counter', countTask('cancelled', 4, 2));
    await worker.waitForLine((line) => line === 'holding cancelled 2');
    await handle.cancel();
    // The held tool is never released: only the abort of its signal ends it, and then the run.
    await worker.waitForLine((line) => line.startsWith('ended '));
    await expect(handle.result()).rejects.toThrow(/was cancelled/);
    expect(await handle.status()).toBe('cancelled');
    expect(await countExecutions(setup.databaseUrl, 'cancelled')).toEqual({ 1: 1, 2: 1 });
  });
});
