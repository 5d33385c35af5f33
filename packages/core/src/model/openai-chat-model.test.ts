import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type OpenAI from 'openai';
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { OpenAIChatModel } from './openai-chat-model.ts';
import type { OpenAIChatModelOptions } from './openai-chat-model.ts';
import type { AgentModelOptions } from '../run/agent-setup.ts';

// The full HTTP suite of OpenAIChatModel lives in @tinyagent/testing (core cannot depend on it);
// this loopback server only records request bodies, for what core itself adds to them.
let server: Server | undefined;

afterEach(async () => {
  vi.restoreAllMocks();
  const running = server;
  server = undefined;
  if (running === undefined) return;
  running.closeAllConnections();
  await new Promise((resolve) => running.close(resolve));
});

async function recordBodies(): Promise<{ url: string; bodies: Record<string, unknown>[] }> {
  const bodies: Record<string, unknown>[] = [];
  server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
      const message = { role: 'assistant', content: 'ok' };
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          id: 'x',
          object: 'chat.completion',
          created: 0,
          model: 'm',
          choices: [{ index: 0, message, finish_reason: 'stop' }],
        }),
      );
    });
  });
  const listening = server;
  await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(listening.address() as AddressInfo).port}/v1`, bodies };
}

const tools = [{ name: 'add', description: 'Adds.', parameters: { type: 'object', properties: {} } }];

describe('OpenAIChatModel tool choice', () => {
  it.each([
    ['none', { tools, toolChoice: 'none' }, 'none'],
    ['required', { tools, toolChoice: 'required' }, 'required'],
    ['unset', { tools }, undefined],
    ['set without tools', { toolChoice: 'none' }, undefined],
  ] as const)('sends tool_choice when %s', async (_case, request, expected) => {
    const { url, bodies } = await recordBodies();
    const model = new OpenAIChatModel({ model: 'm', baseURL: url });

    await model.complete({ messages: [{ role: 'user', content: 'Hi' }], ...request });

    expect(bodies[0]?.tool_choice).toBe(expected);
    expect(bodies[0]?.tools !== undefined).toBe('tools' in request);
  });
});

describe('OpenAIChatModel transport', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('sends through the global fetch, so whatever patches fetch (msw, APM agents) sees model calls', async () => {
    const { url } = await recordBodies();
    const seen: string[] = [];
    const original = globalThis.fetch;
    vi.stubGlobal('fetch', (input: string | URL | Request, init?: RequestInit) => {
      seen.push(input instanceof Request ? input.url : String(input));
      return original(input, init);
    });
    const model = new OpenAIChatModel({ model: 'm', baseURL: url });

    const reply = await model.complete({ messages: [{ role: 'user', content: 'Hi' }] });

    expect(reply.content).toBe('ok');
    expect(seen).toEqual([`${url}/chat/completions`]);
  });
});

describe('the client option', () => {
  it('accepts a client by the shape it uses (baseURL, chat.completions.create), not by the OpenAI class', () => {
    // The shape of an openai@6 client, or of any wrapper around one.
    const structural = {
      baseURL: 'http://127.0.0.1:1/v1',
      chat: { completions: { create: (_body: object, _options?: object) => Promise.resolve({}) } },
    };
    type ModelClient = NonNullable<OpenAIChatModelOptions['client']>;

    expectTypeOf(structural).toExtend<ModelClient>();
    expectTypeOf(structural).toExtend<NonNullable<AgentModelOptions['client']>>();
    expectTypeOf<OpenAI>().toExtend<ModelClient>();
    expect(new OpenAIChatModel({ client: structural }).modelName).toBe('gpt-4o-mini');
  });
});
