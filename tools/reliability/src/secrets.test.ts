import { OpenAIChatModel, tool, z } from '@tinyagent/core';
import type { Tool } from '@tinyagent/core';
import { TinyCodeAgent } from '@tinyagent/code-agent';
import { startLoopbackServer } from '@tinyagent/fixtures';
import { ReactAgent } from '@tinyagent/react-agent';
import { DEAD_BASE_URL, startFakeOpenAI } from '@tinyagent/testing';
import type { FakeResponse } from '@tinyagent/testing';
import { createWebBrowse, createWebSearch } from '@tinyagent/web-tools';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createWitness } from './witness.ts';
import type { Witness } from './witness.ts';

// With both keys set to sentinels, every error path runs verbose with its events recorded: the
// sentinels must appear in no log line, console or stderr output, event, RunResult, error, cause or
// stack. Servers here echo the keys they receive, as real ones sometimes do in their error messages.

const OPENAI_KEY = 'sk-SENTINEL-openai-7f3a9c2e5b1d';
const BRAVE_KEY = 'BSA-SENTINEL-brave-4e8d2a6c0f9b';
const SECRETS = [OPENAI_KEY, BRAVE_KEY];

let witness: Witness;

beforeEach(() => {
  vi.stubEnv('OPENAI_API_KEY', OPENAI_KEY);
  vi.stubEnv('BRAVE_SEARCH_API_KEY', BRAVE_KEY);
  witness = createWitness();
});

afterEach(() => {
  witness.restore();
  vi.unstubAllEnvs();
});

/** Runs `agent` verbose with events recorded, once for the RunResult and once for what `run` rejects with. */
async function runBothWays(agent: ReactAgent | TinyCodeAgent, task: string): Promise<void> {
  const options = { verbose: true, onEvent: witness.onEvent, maxSteps: 2, timeoutMs: 10_000 };
  witness.record(await agent.run(task, { ...options, returnResult: true }));
  witness.record(await agent.run(task, options).catch((error: unknown) => error));
}

/** The agent a case names ('TinyCodeAgent', 'ReactAgent, native …', 'ReactAgent, json …'), with the explode tool. */
function agentNamed(name: string, baseURL: string): ReactAgent | TinyCodeAgent {
  const chatModel = new OpenAIChatModel({ baseURL });
  if (name.startsWith('TinyCodeAgent')) return new TinyCodeAgent({ tools: [explode], chatModel });
  return new ReactAgent({ tools: [explode], chatModel, toolCalling: name.includes('native') ? 'native' : 'json' });
}

const echoed = `Incorrect API key provided: ${OPENAI_KEY}. Brave key: ${BRAVE_KEY}.`;

const MODEL_FAULTS: readonly [string, FakeResponse][] = [
  ['a 401 echoing the keys', { status: 401, message: echoed, code: OPENAI_KEY }],
  ['a 403 echoing the keys', { status: 403, message: echoed }],
  ['a 404 echoing the keys', { status: 404, message: echoed }],
  ['a 429 echoing the keys', { status: 429, message: echoed, retryAfter: 0 }],
  ['a 500 echoing the keys', { status: 500, message: echoed }],
  ['a 503 echoing the keys', { status: 503, message: echoed }],
  ['a body that is not JSON, echoing the keys', { raw: `<html>${echoed}</html>`, contentType: 'text/html' }],
  ['near-JSON echoing the keys', { raw: `{"error": "${echoed}` }],
  [
    'an error event in a stream, echoing the keys',
    { raw: `data: {"error": {"message": "${echoed}"}}\n\n`, contentType: 'text/event-stream' },
  ],
  [
    'a stream event that is not JSON, echoing the keys',
    { raw: `data: ${echoed}\n\n`, contentType: 'text/event-stream' },
  ],
  ['a reset connection', { fault: 'reset' }],
  ['a malformed body', { fault: 'malformed' }],
  ['a reply without choices', { fault: 'empty_choices' }],
  ['a cut-off stream', { fault: 'truncated_stream' }],
  ['a hang past the timeout', { fault: 'hang' }],
];

describe('the API keys on the model error paths', () => {
  it.each(MODEL_FAULTS)('never show after %s', async (_fault, response) => {
    await using server = await startFakeOpenAI({ handler: () => response });
    for (const streaming of [false, true]) {
      const chatModel = new OpenAIChatModel({ baseURL: server.url, streaming, retryDelayMs: 1, timeoutMs: 300 });
      for (const toolCalling of ['json', 'native'] as const) {
        await runBothWays(new ReactAgent({ tools: [explode], chatModel, toolCalling }), 'What is the weather?');
      }
      await runBothWays(new TinyCodeAgent({ tools: [explode], chatModel }), 'What is the weather?');
    }

    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
    expect(witness.leaks(SECRETS)).toEqual([]);
  });

  it('never show when the server cannot be reached, or its URL carries a key', async () => {
    const unreachable = [
      DEAD_BASE_URL,
      `http://user:${OPENAI_KEY}@127.0.0.1:2/v1`,
      `${DEAD_BASE_URL}?key=${OPENAI_KEY}`,
    ];
    for (const baseURL of unreachable) {
      const chatModel = new OpenAIChatModel({ baseURL, retryDelayMs: 1 });
      await runBothWays(new ReactAgent({ tools: [explode], chatModel }), 'Anyone there?');
    }
    // Not a URL at all: the agent refuses it at construction, naming it without the key.
    witness.record(
      catchError(() => new ReactAgent({ tools: [explode], baseURL: `localhost:11434/v1?key=${OPENAI_KEY}` })),
    );

    expect(witness.recordedLength).toBeGreaterThan(0);
    expect(witness.leaks(SECRETS)).toEqual([]);
  });
});

function catchError(work: () => unknown): unknown {
  try {
    return work();
  } catch (error) {
    return error;
  }
}

/** Fails with both keys in its message and its cause, as a careless upstream client might. */
const explode: Tool = tool({
  name: 'explode',
  description: 'Calls an upstream service that fails.',
  parameters: z.object({ city: z.string().optional() }),
  execute: () => {
    throw new Error(`upstream refused ${process.env.BRAVE_SEARCH_API_KEY ?? ''}`, {
      cause: new Error(`Authorization: Bearer ${process.env.OPENAI_API_KEY ?? ''}`),
    });
  },
});

describe('the API keys in what the model server answers', () => {
  // A proxy or a misbehaving server may echo the request's key in a successful reply; the model may
  // also repeat a key it was shown. Neither may reach the events, the transcript or the answer.
  it.each([
    ['ReactAgent, json', JSON.stringify({ scratchpad: echoed, tool: 'explode', arguments: { city: echoed } })],
    ['ReactAgent, json answer', JSON.stringify({ scratchpad: echoed, answer: echoed })],
    ['ReactAgent, native', { content: echoed, toolCalls: [{ name: 'explode', arguments: { city: echoed } }] }],
    ['ReactAgent, native answer', echoed],
    [
      'TinyCodeAgent',
      `\`\`\`js\nconsole.log(${JSON.stringify(echoed)})\nfinal_answer(${JSON.stringify(echoed)})\n\`\`\``,
    ],
  ] as const)('never show when a successful reply carries the keys (%s)', async (name, reply) => {
    await using server = await startFakeOpenAI({ handler: () => reply });

    await runBothWays(agentNamed(name, server.url), 'Say something.');

    expect(witness.leaks(SECRETS)).toEqual([]);
  });
});

describe('the API keys on the tool error paths', () => {
  it.each([
    ['ReactAgent, json', JSON.stringify({ tool: 'explode', arguments: { city: 'Paris' } })],
    ['ReactAgent, native', { toolCalls: [{ name: 'explode', arguments: { city: 'Paris' } }] }],
    ['TinyCodeAgent', '```js\ntry { explode({}) } catch (error) { console.log(error.message) }\nexplode({})\n```'],
  ] as const)('never show when a tool fails with the keys in its error (%s)', async (name, reply) => {
    await using server = await startFakeOpenAI({ handler: () => reply });

    await runBothWays(agentNamed(name, server.url), 'Break something.');

    expect(witness.leaks(SECRETS)).toEqual([]);
  });
});

describe('the API keys in the web tools', () => {
  it('never show whatever the search service answers', async () => {
    const answers = [
      (status: number) => ({ status, body: { error: { code: 'SUBSCRIPTION_TOKEN_INVALID', detail: echoed } } }),
      (status: number) => ({ status, body: { error: { code: 'RATE_LIMITED', detail: echoed } } }),
      (status: number) => ({
        status,
        body: { web: { results: [{ title: echoed, url: `https://x.test/?k=${BRAVE_KEY}` }] } },
      }),
      (status: number) => ({ status, body: echoed }),
    ];
    let answer = 0;
    let served = 0;
    await using brave = await startLoopbackServer((_request, response) => {
      served += 1;
      const { status, body } = answers[answer % answers.length]!([401, 422, 429, 200, 500][answer % 5] ?? 200);
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(typeof body === 'string' ? body : JSON.stringify(body));
    });
    const search = createWebSearch({ endpoint: brave.url, maxRetryWaitMs: 0 });
    const browse = createWebBrowse({ allowPrivateNetwork: true, timeoutMs: 500 });
    for (answer = 0; answer < 20; answer++) witness.record(await search.run({ query: 'keys' }));
    witness.record(await browse.run({ url: `${brave.url}/echo?key=${BRAVE_KEY}` }));
    witness.record(await browse.run({ url: `http://127.0.0.1:2/?key=${OPENAI_KEY}` }));
    witness.record(await createWebBrowse().run({ url: `${brave.url}/private?key=${BRAVE_KEY}` }));

    expect(served).toBeGreaterThan(20);
    expect(witness.leaks(SECRETS)).toEqual([]);
  });
});
