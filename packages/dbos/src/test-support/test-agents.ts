// The agents of the dbos tests, the same in the test process and in every worker process. Their
// models decide each reply from the conversation alone (no counter in the process), so a run that
// moves to another process after a crash gets the replies it would have got. Every tool execution is
// counted in PostgreSQL, where the tests read how often each step ran.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { tool, z } from '@tinyagent/core';
import type { ChatMessage } from '@tinyagent/core';
import { TinyCodeAgent } from '@tinyagent/code-agent';
import { ReactAgent } from '@tinyagent/react-agent';
import { createScriptedModel } from '@tinyagent/testing';
import type { ScriptedReply } from '@tinyagent/testing';
import type { DurableAgent } from '../durable-types.ts';
import { startDurableWorker } from '../durable-worker.ts';
import type { DurableWorker } from '../durable-worker.ts';
import { queryRows } from '../throwaway-postgres.ts';

/** The tables the test agents write to; made once per test database. */
export const TEST_TABLES = `
  CREATE TABLE IF NOT EXISTS executions (tag text NOT NULL, n int NOT NULL, at timestamptz NOT NULL DEFAULT now());
  CREATE TABLE IF NOT EXISTS releases (tag text NOT NULL, n int NOT NULL);
`;

/** How often `record` (or `transfer`, as n 1) ran for each n of the run tagged `tag`, from the executions table. */
export async function countExecutions(databaseUrl: string, tag: string): Promise<Record<number, number>> {
  const rows = await queryRows<{ n: number; count: string }>(
    databaseUrl,
    'SELECT n, count(*) AS count FROM executions WHERE tag = $1 GROUP BY n ORDER BY n',
    [tag],
  );
  return Object.fromEntries(rows.map((row) => [row.n, Number(row.count)]));
}

/** The task of the counting agents: call `record` `steps` times, holding at step `hold` until released. */
export function countTask(tag: string, steps: number, hold?: number): string {
  return `count ${tag} ${String(steps)} ${String(hold ?? 0)}`;
}

/**
 * The test agents on `databaseUrl`, and a function that closes their connections. The code agent's
 * tools must be synchronous, so its `note` counts in files of `folder` instead of PostgreSQL.
 */
export function createTestAgents(
  databaseUrl: string,
  folder: string,
): {
  agents: Record<string, DurableAgent>;
  close: () => Promise<void>;
} {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  const record = tool({
    name: 'record',
    description: 'Records step n of the run tagged tag.',
    parameters: z.object({ tag: z.string(), n: z.number().int(), hold: z.number().int() }),
    execute: async ({ tag, n, hold }, { signal }) => {
      await pool.query('INSERT INTO executions (tag, n) VALUES ($1, $2)', [tag, n]);
      if (n === hold) await waitForRelease(pool, tag, n, signal);
      return `recorded ${String(n)}`;
    },
  });
  const transfer = tool({
    name: 'transfer',
    description: 'Sends money.',
    parameters: z.object({ tag: z.string() }),
    needsApproval: true,
    execute: async ({ tag }) => {
      await pool.query('INSERT INTO executions (tag, n) VALUES ($1, 1)', [tag]);
      return 'sent';
    },
  });
  const note = tool({
    name: 'note',
    description: 'Notes step n of the run tagged tag.',
    parameters: z.object({ tag: z.string(), n: z.number().int(), hold: z.number().int() }),
    execute: ({ tag, n, hold }) => {
      appendFileSync(join(folder, `notes-${tag}`), `${String(n)}\n`);
      if (n === hold) holdUntilFile(join(folder, `release-${tag}-${String(n)}`), `holding ${tag} ${String(n)}`);
      return `noted ${String(n)}`;
    },
  });
  const counter = new ReactAgent({ tools: [record], toolCalling: 'native', chatModel: statelessModel(countReply) });
  const payer = new ReactAgent({ tools: [transfer], toolCalling: 'native', chatModel: statelessModel(payReply) });
  const coder = new TinyCodeAgent({ tools: [note], chatModel: statelessModel(codeReply) });
  const approver = new ReactAgent({
    tools: [transfer],
    toolCalling: 'native',
    chatModel: statelessModel(approveReply),
  });
  const delegate = payer.asTool({ name: 'delegate', description: 'Has the payments agent pay.' });
  const manager = new ReactAgent({ tools: [delegate], toolCalling: 'native', chatModel: statelessModel(manageReply) });
  const fanout = new ReactAgent({ tools: [record], toolCalling: 'native', chatModel: statelessModel(fanReply) });
  return { agents: { counter, payer, coder, approver, manager, fanout }, close: () => pool.end() };
}

/** A scripted model whose every call is the same function of the conversation. */
export function statelessModel(reply: (messages: readonly ChatMessage[]) => ScriptedReply) {
  return createScriptedModel(
    Array.from({ length: 50 }, () => (request: { messages: readonly ChatMessage[] }) => reply(request.messages)),
  );
}

function readTask(messages: readonly ChatMessage[]): { tag: string; steps: number; hold: number } {
  const task = messages.find((message) => message.role === 'user')?.content ?? '';
  const [, tag = '', steps = '0', hold = '0'] = task.split(' ');
  return { tag, steps: Number(steps), hold: Number(hold) };
}

function countReply(messages: readonly ChatMessage[]): ScriptedReply {
  const { tag, steps, hold } = readTask(messages);
  const done = messages.filter((message) => message.role === 'tool').length;
  if (done >= steps) return `counted ${String(steps)}`;
  const n = done + 1;
  return { toolCalls: [{ id: `call_${String(n)}`, name: 'record', arguments: { tag, n, hold } }] };
}

// `countTask(tag, calls)` for the fanout agent: one turn of `calls` record calls, which run at once.
function fanReply(messages: readonly ChatMessage[]): ScriptedReply {
  const { tag, steps: calls } = readTask(messages);
  if (messages.some((message) => message.role === 'tool')) return `fanned ${String(calls)}`;
  return {
    toolCalls: Array.from({ length: calls }, (_, index) => ({
      id: `call_${String(index + 1)}`,
      name: 'record',
      arguments: { tag, n: index + 1, hold: 0 },
    })),
  };
}

function payReply(messages: readonly ChatMessage[]): ScriptedReply {
  const result = messages.find((message) => message.role === 'tool');
  if (result !== undefined) return `transfer: ${result.content}`;
  const tag = messages.find((message) => message.role === 'user')?.content ?? '';
  return { toolCalls: [{ id: 'call_pay', name: 'transfer', arguments: { tag } }] };
}

/**
 * The task of the approving agent: `calls` transfers needing approval at each of `turns` turns, with
 * the same call ids every turn (`call_0`, `call_1`, ...), as providers reuse ids.
 */
export function approveTask(tag: string, calls: number, turns: number): string {
  return `approve ${tag} ${String(calls)} ${String(turns)}`;
}

function approveReply(messages: readonly ChatMessage[]): ScriptedReply {
  const { tag, steps: calls, hold: turns } = readTask(messages);
  const done = messages.filter((message) => message.role === 'tool').length;
  if (done >= calls * turns) return `paid ${String(done)}`;
  return {
    toolCalls: Array.from({ length: calls }, (_, index) => ({
      id: `call_${String(index)}`,
      name: 'transfer',
      arguments: { tag },
    })),
  };
}

// The manager hands the payment to the payer, called as a tool (asTool): its approval is nested.
function manageReply(messages: readonly ChatMessage[]): ScriptedReply {
  const result = messages.find((message) => message.role === 'tool');
  if (result !== undefined) return `managed: ${result.content}`;
  const tag = messages.find((message) => message.role === 'user')?.content ?? '';
  return { toolCalls: [{ id: 'call_delegate', name: 'delegate', arguments: { task: tag } }] };
}

// The code agent keeps `total` in its sandbox across steps: after a crash, only the journal's replay
// of the earlier blocks can bring it back.
function codeReply(messages: readonly ChatMessage[]): ScriptedReply {
  const { tag, steps, hold } = readTask(messages);
  const done = messages.filter((message) => message.role === 'assistant').length;
  if (done >= steps) return '```js\nfinal_answer(`total ${total}`);\n```';
  const n = done + 1;
  const call = `note({ tag: ${JSON.stringify(tag)}, n: ${String(n)}, hold: ${String(hold)} })`;
  return `\`\`\`js\n${n === 1 ? 'var total = 0;\n' : ''}${call};\ntotal += ${String(n)};\n\`\`\``;
}

// Polls for the test's release row: a held step is one the test decides when to let finish.
async function waitForRelease(pool: pg.Pool, tag: string, n: number, signal: AbortSignal): Promise<void> {
  console.log(`holding ${tag} ${String(n)}`);
  while (!signal.aborted) {
    const { rowCount } = await pool.query('SELECT 1 FROM releases WHERE tag = $1 AND n = $2', [tag, n]);
    if ((rowCount ?? 0) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

// The code agent's tools are synchronous: the worker blocks here, as a long synchronous tool would.
function holdUntilFile(path: string, line: string): void {
  console.log(line);
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (!existsSync(path)) Atomics.wait(pause, 0, 0, 25);
}

/** How often the code agent's `note` ran for each n of the run tagged `tag`. */
export function countNotes(folder: string, tag: string): Record<number, number> {
  const path = join(folder, `notes-${tag}`);
  const counts: Record<number, number> = {};
  if (!existsSync(path)) return counts;
  for (const line of readFileSync(path, 'utf8')
    .split('\n')
    .filter((text) => text !== '')) {
    counts[Number(line)] = (counts[Number(line)] ?? 0) + 1;
  }
  return counts;
}

/** A worker in this process with the test agents, polling every 50 ms; `close` ends it, then the agents. */
export async function startTestWorker(
  databaseUrl: string,
  executorId: string,
): Promise<{ worker: DurableWorker; close: () => Promise<void> }> {
  const test = createTestAgents(databaseUrl, '');
  const worker = await startDurableWorker({
    databaseUrl,
    agents: test.agents,
    applicationVersion: 'tests',
    executorId,
    pollingIntervalMs: 50,
  });
  return {
    worker,
    close: async () => {
      await worker.close();
      await test.close();
    },
  };
}
