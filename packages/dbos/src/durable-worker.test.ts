import { inspect } from 'node:util';
import { DBOS } from '@dbos-inc/dbos-sdk';
import { tool, z } from '@tinyagent/core';
import { captureLogs } from '@tinyagent/testing';
import { ReactAgent } from '@tinyagent/react-agent';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startDurableWorker } from './durable-worker.ts';
import { createEventPublisher } from './event-publisher.ts';
import { createRunningRuns } from './running-runs.ts';
import { countTask, createTestAgents, statelessModel } from './test-support/test-agents.ts';
import { queryRows } from './throwaway-postgres.ts';
import { useTestDatabase } from './test-support/test-setup.ts';

// Workers in this process, one at a time, started and closed by each test.
const database = useTestDatabase('tinyagent_dbos_worker');
let closeAgents: () => Promise<void> = () => Promise.resolve();
let agents: ReturnType<typeof createTestAgents>['agents'] = {};
let databaseUrl = '';

beforeAll(() => {
  databaseUrl = database.databaseUrl;
  const test = createTestAgents(databaseUrl, '');
  agents = test.agents;
  closeAgents = test.close;
});

afterAll(async () => {
  await closeAgents();
});

afterEach(() => {
  vi.unstubAllEnvs();
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

// An agent whose one tool call waits, the first time, until its signal aborts; later calls return at once.
function createWaitingAgent() {
  const aborted: unknown[] = [];
  let calls = 0;
  let started = (): void => undefined;
  const inFlight = new Promise<void>((resolve) => (started = resolve));
  const wait = tool({
    name: 'wait',
    description: 'Waits.',
    parameters: z.object({}),
    execute: async (_args, { signal }) => {
      calls += 1;
      if (calls > 1) return 'done';
      started();
      return new Promise<string>((_resolve, reject) => {
        signal.addEventListener('abort', () => {
          aborted.push(signal.reason);
          reject(signal.reason as Error);
        });
      });
    },
  });
  const agent = new ReactAgent({
    tools: [wait],
    toolCalling: 'native',
    chatModel: statelessModel((messages) => {
      const result = messages.find((message) => message.role === 'tool');
      if (result !== undefined) return `waited: ${result.content}`;
      return { toolCalls: [{ id: 'call_wait', name: 'wait', arguments: {} }] };
    }),
  });
  return { agent, aborted, inFlight, calls: () => calls };
}

describe('close', () => {
  it('aborts the runs in flight, unrecorded, and the next worker with its id finishes them', async () => {
    const waiting = createWaitingAgent();
    const options = { databaseUrl, agents: { waiting: waiting.agent }, executorId: 'closing', pollingIntervalMs: 50 };
    const first = await startDurableWorker(options);
    const { runId } = await first.submit('waiting', 'wait');
    await waiting.inFlight;
    await first.close();
    expect(waiting.aborted).toHaveLength(1);

    const second = await startDurableWorker(options);
    try {
      await expect(second.run(runId).result()).resolves.toMatchObject({ state: 'completed', output: 'waited: done' });
      expect(waiting.calls()).toBe(2);
    } finally {
      await second.close();
    }
  });

  it('does nothing the second time, leaving a newer worker of the process running', async () => {
    const options = { databaseUrl, agents, executorId: 'twice', pollingIntervalMs: 50 };
    const old = await startDurableWorker(options);
    await old.close();
    const newer = await startDurableWorker(options);
    try {
      await old.close();
      expect(DBOS.isInitialized()).toBe(true);
      const handle = await newer.submit('counter', countTask('after-close', 1));
      await expect(handle.result()).resolves.toMatchObject({ output: 'counted 1' });
    } finally {
      await newer.close();
    }
  });
});

describe('start', () => {
  it('warns when applicationVersion and executorId are left to defaults that break a deployment', async () => {
    // An executor id from the environment (as DBOS Cloud sets it) would silence the second warning.
    vi.stubEnv('DBOS__VMID', '');
    using logs = captureLogs();
    await (await startDurableWorker({ databaseUrl, agents })).close();
    expect(logs.warnings.join('\n')).toMatch(/no applicationVersion[\s\S]*no executorId/);
    logs.clear();
    await (
      await startDurableWorker({ databaseUrl, agents, applicationVersion: 'release-3', executorId: 'named' })
    ).close();
    expect(logs.warnings.filter((line) => line.startsWith('startDurableWorker'))).toEqual([]);
  });
});

describe('the event publisher', () => {
  it('logs a failed write of events and leaves the step’s own result alone', async () => {
    const worker = await startDurableWorker({
      databaseUrl,
      agents,
      applicationVersion: 'release-3',
      executorId: 'events',
    });
    try {
      using logs = captureLogs();
      using running = createRunningRuns().start('run-1');
      const publisher = createEventPublisher('run-1', running);
      publisher.onEvent({
        type: 'run-start',
        runId: 'agent',
        step: 0,
        seq: 1,
        task: 't',
        tools: [],
        model: 'm',
        maxSteps: 3,
      });
      // Outside a workflow DBOS runs a step as a plain call, and the stream write fails. A quick step
      // leaves the event to a later write; the flush writes it.
      await expect(publisher.stepRunner.run('1/model', () => Promise.resolve('the reply'))).resolves.toBe('the reply');
      expect(logs.warnings).toEqual([]);
      await publisher.flush();
      expect(logs.warnings.join('\n')).toMatch(/events 1-1 of run run-1 were not published/);
    } finally {
      await worker.close();
    }
  });
});

describe('the database password', () => {
  it('never shows in what DBOS logs or throws, on a real connection and on a refused one', async () => {
    using logs = captureLogs();
    const wrong = new URL(databaseUrl);
    wrong.password = 'a-password-nobody-may-see';
    const options = { agents, applicationVersion: 'release-3', executorId: 'secret' };
    const refused: unknown = await startDurableWorker({ ...options, databaseUrl: wrong.toString() }).then(
      (worker) => worker.close(),
      (error: unknown) => error,
    );
    await (await startDurableWorker({ ...options, databaseUrl })).close();

    expect(refused).toBeInstanceOf(Error);
    // What DBOS said, as it said it: its start-up names the database, its refusal the failed login.
    const seen = `${logs.lines.map((line) => line.message).join('\n')}\n${inspect(refused, { depth: 5 })}`;
    expect(seen).toMatch(/System Database URL/);
    expect(seen).toMatch(/password authentication failed/);
    expect(seen).not.toContain('a-password-nobody-may-see');
    // The test server's own password (ensure-postgres.sh's differs from its user's name, which DBOS may
    // show; a server that takes no password has none to hide).
    const real = new URL(databaseUrl);
    const password = decodeURIComponent(real.password);
    if (password !== '') {
      expect(password).not.toBe(decodeURIComponent(real.username));
      expect(seen).not.toContain(password);
    }
  });
});
