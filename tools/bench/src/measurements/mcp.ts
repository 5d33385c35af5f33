// Measurement 11, in one process: one MCP tool call (server-everything's `echo`, over stdio) made
// through TinyAgent's tool against the same call made with the official SDK client, and the time to
// connect and list the tools. The servers are child processes of this process: their CPU is their
// own and never counts here; only the clients' side of each call does.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { createRunScope } from '@tinyagent/core';
import type { Tool } from '@tinyagent/core';
import { connectMcp } from '@tinyagent/mcp';
import type { McpConnection, McpStdioServerConfig } from '@tinyagent/mcp';
import { echoMessage, echoProblem, textOfResult } from '../mcp-echo.ts';
import { roundOrder, rotate } from '../order.ts';
import { checkTarget, times } from '../report.ts';
import type { MeasurementReport } from '../report.ts';
import { countAnswer, createTally, failureProblem } from '../run-checked.ts';
import type { AnswerTally } from '../run-checked.ts';
import type { BenchSettings } from '../settings.ts';
import { percentile } from '@tinyagent/fixtures/stats';
import { median, pairedRatio, ratio } from '../stats.ts';
import type { Table } from '../table.ts';

/** How a caller makes the call: the SDK client directly, or TinyAgent's tool without or with a signal. */
export type McpCallerId = 'sdk' | 'tinyagent' | 'tinyagent-signal';

/** One caller's samples. */
export interface McpCallSamples {
  id: McpCallerId;
  /** CPU time (user + system) of this process per call, one sample per batch, in microseconds. */
  cpuPerCallUs: number[];
  /** Wall time of each measured call, in microseconds. */
  wallPerCallUs: number[];
  tally: AnswerTally;
}

/** One way of connecting: the wall time from the start to the tools listed, per fresh connection. */
export interface McpConnectSamples {
  id: 'sdk' | 'tinyagent';
  connectMs: number[];
  tally: AnswerTally;
}

/** What the measuring process sends back. */
export interface McpSamples {
  calls: McpCallSamples[];
  connects: McpConnectSamples[];
}

const LABELS: Record<McpCallerId, string> = {
  sdk: 'MCP SDK client: `client.callTool` (floor)',
  tinyagent: 'TinyAgent: `tool.run(args, { run })`',
  'tinyagent-signal': 'TinyAgent: `tool.run(args, { run, signal })`',
};
const CONNECT_LABELS: Record<McpConnectSamples['id'], string> = {
  sdk: 'MCP SDK client: `connect` + `listTools`',
  tinyagent: 'TinyAgent: `connectMcp([server])`',
};
const CLIENT_INFO = { name: 'tinyagent-bench', version: '0.0.0' };

/** server-everything over stdio, run by this node on its installed entry (never npx). */
function everythingServer(): McpStdioServerConfig {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve('@modelcontextprotocol/server-everything/package.json');
  const { bin } = JSON.parse(readFileSync(manifestPath, 'utf8')) as { bin: Record<string, string> };
  const entry = Object.values(bin)[0];
  if (entry === undefined) throw new Error('@modelcontextprotocol/server-everything has no bin entry');
  return { name: 'everything', command: process.execPath, args: [join(dirname(manifestPath), entry), 'stdio'] };
}

// The SDK client as an application would write it against the same server.
async function connectSdk(server: McpStdioServerConfig): Promise<Client> {
  const client = new Client(CLIENT_INFO);
  // stderr piped, as connectMcp pipes it (it reads it into the logger, which logs the server's one start-up line).
  const transport = new StdioClientTransport({
    command: server.command,
    args: [...(server.args ?? [])],
    stderr: 'pipe',
  });
  await client.connect(transport);
  return client;
}

type CallOnce = (message: string) => Promise<string | undefined>;

/** Runs measurement 11: calls first (both clients connected throughout), then fresh connections. */
export async function measureMcp(settings: BenchSettings): Promise<McpSamples> {
  const server = everythingServer();
  const calls = await measureCalls(server, settings);
  const connects = await measureConnects(server, settings);
  return { calls, connects };
}

// Every caller goes through one connection to one server process: the SDK floor calls the very client
// TinyAgent's tool calls through. With a server process per caller, the ratio swung with where the
// system ran each server: two identical SDK clients, each with a server of its own, read 10 % apart.
async function measureCalls(server: McpStdioServerConfig, settings: BenchSettings): Promise<McpCallSamples[]> {
  let mcp: McpConnection | undefined;
  try {
    mcp = await connectMcp([server]);
    const echo = findTool(mcp.tools, 'echo');
    const sdk = mcp.client(server.name);
    // What an agent hands its tool calls: its run's scope (made once per run, never per call) and,
    // when the run can be cancelled, its signal, here never aborted, as in a run that ends normally.
    const run = createRunScope();
    const { signal } = new AbortController();
    const callers: [McpCallerId, CallOnce][] = [
      ['sdk', async (message) => textOfResult(await sdk.callTool({ name: 'echo', arguments: { message } }))],
      ['tinyagent', (message) => echo.run({ message }, { run })],
      ['tinyagent-signal', (message) => echo.run({ message }, { run, signal })],
    ];
    const entries = callers.map(([id, call]) => {
      const samples: McpCallSamples = { id, cpuPerCallUs: [], wallPerCallUs: [], tally: createTally() };
      return { call, samples };
    });
    let seed = 0;
    for (const entry of entries) {
      for (let index = 0; index < settings.mcpWarmupCalls; index += 1) {
        await checkedCall(entry.call, echoMessage((seed += 1)), entry.samples.tally);
      }
    }
    for (let round = 0; round < settings.mcpRounds; round += 1) {
      for (const entry of roundOrder(entries, round)) {
        const before = process.cpuUsage();
        for (let index = 0; index < settings.mcpBatch; index += 1) {
          const started = performance.now();
          await checkedCall(entry.call, echoMessage((seed += 1)), entry.samples.tally);
          entry.samples.wallPerCallUs.push((performance.now() - started) * 1000);
        }
        const used = process.cpuUsage(before);
        entry.samples.cpuPerCallUs.push((used.user + used.system) / settings.mcpBatch);
      }
    }
    return entries.map((entry) => entry.samples);
  } finally {
    await mcp?.close();
  }
}

// A wrong text or a failure is counted, never thrown: the row is invalid, the bench goes on.
async function checkedCall(call: CallOnce, message: string, tally: AnswerTally): Promise<void> {
  let problem: string | undefined;
  try {
    problem = echoProblem(message, await call(message));
  } catch (error) {
    problem = failureProblem(error);
  }
  countAnswer(tally, problem);
}

// Fresh connections, the two ways taking turns; each is closed (its server process ends) untimed.
async function measureConnects(server: McpStdioServerConfig, settings: BenchSettings): Promise<McpConnectSamples[]> {
  const ways: [McpConnectSamples['id'], () => Promise<{ names: string[]; close: () => Promise<void> }>][] = [
    [
      'sdk',
      async () => {
        const client = await connectSdk(server);
        const { tools } = await client.listTools();
        return { names: tools.map((entry) => entry.name), close: () => client.close() };
      },
    ],
    [
      'tinyagent',
      async () => {
        const mcp = await connectMcp([server]);
        return { names: mcp.tools.map((entry) => entry.name), close: () => mcp.close() };
      },
    ],
  ];
  const entries = ways.map(([id, open]) => {
    const samples: McpConnectSamples = { id, connectMs: [], tally: createTally() };
    return { open, samples };
  });
  for (let round = 0; round < settings.mcpConnects; round += 1) {
    for (const { open, samples } of rotate(entries, round)) {
      const started = performance.now();
      let problem: string | undefined;
      try {
        const { names, close } = await open();
        samples.connectMs.push(performance.now() - started);
        await close();
        if (!names.includes('echo')) problem = `no echo among ${names.length} tools`;
      } catch (error) {
        problem = failureProblem(error);
      }
      countAnswer(samples.tally, problem);
    }
  }
  return entries.map((entry) => entry.samples);
}

function findTool(tools: readonly Tool[], name: string): Tool {
  const found = tools.find((entry) => entry.name === name);
  if (found === undefined) throw new Error(`server-everything lists no tool '${name}'`);
  return found;
}

/** The tables and targets of measurement 11. */
export function reportMcp({ calls, connects }: McpSamples): MeasurementReport {
  const byId = new Map(calls.map((entry) => [entry.id, entry]));
  const cpuVersusSdk = (id: McpCallerId): number =>
    pairedRatio(byId.get(id)?.cpuPerCallUs ?? [], byId.get('sdk')?.cpuPerCallUs ?? []);
  // The middle half of the per-round ratios: how far one round strays, beside the median that is judged.
  const spread = (id: McpCallerId): string => {
    const sdk = byId.get('sdk')?.cpuPerCallUs ?? [];
    const ratios = (byId.get(id)?.cpuPerCallUs ?? []).map((value, index) => ratio(value, sdk[index] ?? Number.NaN));
    return `${times(percentile(ratios, 25))}–${times(percentile(ratios, 75))}`;
  };
  const wall = (id: McpCallerId): number => median(byId.get(id)?.wallPerCallUs ?? []);
  const callTable: Table = {
    title: "11. One MCP tool call: server-everything's `echo` over stdio",
    columns: ['caller', 'CPU µs/call', '× SDK', 'wall µs/call', '× SDK', 'calls checked', 'wrong results'],
    rows: calls.map((entry) => [
      LABELS[entry.id],
      median(entry.cpuPerCallUs),
      times(cpuVersusSdk(entry.id)),
      wall(entry.id),
      times(ratio(wall(entry.id), wall('sdk'))),
      entry.tally.runs,
      entry.tally.wrong,
    ]),
    notes: [
      "CPU µs/call: this process's CPU per call, median of batches; its ratios are the median of per-round " +
        "ratios (rounds in a shuffled order). The server's CPU is its own process's and is not counted. Wall " +
        'µs/call: the median of every measured call, the round trip to the server included.',
      `Per-round CPU ratios, middle half: ${calls
        .filter((entry) => entry.id !== 'sdk')
        .map((entry) => `${entry.id} ${spread(entry.id)}`)
        .join(', ')}; one round's ratio strays this far on this machine, hence many rounds.`,
      "TinyAgent's calls pass what an agent passes: its run's scope (`createRunScope()`, made once) and, for a run " +
        'that can be cancelled, its signal (never aborted here).',
      "Every caller uses one connection to one server process, started once: the SDK floor calls the SDK's " +
        "`Client` that TinyAgent's tool calls go through (`connection.client('everything')`). Every result's " +
        "text must be the echo of the call's message.",
    ],
  };
  const connectById = new Map(connects.map((entry) => [entry.id, median(entry.connectMs)]));
  const connectTable: Table = {
    title: '12. Connecting to server-everything over stdio and listing its tools',
    columns: ['client', 'connect + list ms', '× SDK', 'connections', 'failed'],
    rows: connects.map((entry) => [
      CONNECT_LABELS[entry.id],
      median(entry.connectMs),
      times(ratio(connectById.get(entry.id) ?? Number.NaN, connectById.get('sdk') ?? Number.NaN)),
      entry.tally.runs,
      entry.tally.wrong,
    ]),
    notes: [
      'Wall time from the start (spawning the server) to its tool list in hand, median of fresh connections, the ' +
        'two clients taking turns; each connection is closed, untimed, before the next. A listing without `echo` fails.',
    ],
  };
  return {
    tables: [callTable, connectTable],
    targets: [
      checkTarget(
        'MCP tool call via `tool.run`, no signal: CPU per call ≤ 1.1× the SDK client (issue 17)',
        cpuVersusSdk('tinyagent'),
        '≤',
        1.1,
        '×',
      ),
      checkTarget(
        'MCP tool call via `tool.run` with a signal: CPU per call ≤ 1.1× the SDK client (issue 17)',
        cpuVersusSdk('tinyagent-signal'),
        '≤',
        1.1,
        '×',
      ),
    ],
    invalid: [...calls, ...connects]
      .filter((entry) => entry.tally.wrong > 0)
      .map(
        ({ id, tally }) =>
          `MCP ${id}: ${tally.wrong} of ${tally.runs} calls or connections wrong (${tally.firstProblem ?? ''})`,
      ),
  };
}
