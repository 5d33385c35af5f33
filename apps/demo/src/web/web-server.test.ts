import type { RunResult } from '@tinyagent/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from './request-body.ts';
import { startWebChat } from './web-server.ts';
import type { WebChat } from './web-server.ts';

// The chat server's HTTP surface without a browser: what it refuses, and how, and what it keeps
// bounded. The browser test (web-chat.test.ts) covers the page on top of it.

let chat: WebChat;
const ended: RunResult[] = [];

beforeAll(async () => {
  chat = await startWebChat({ env: {}, maxActiveRuns: 1, onRunEnd: (result) => ended.push(result) });
});
afterAll(() => chat.close());

function post(path: string, body: string, type = 'application/json', signal?: AbortSignal) {
  return fetch(new URL(path, chat.url), {
    method: 'POST',
    headers: { 'Content-Type': type },
    body,
    signal: signal ?? null,
  });
}

async function refusal(response: Response): Promise<{ status: number; error: unknown }> {
  return { status: response.status, error: ((await response.json()) as { error?: unknown }).error };
}

// Resolves with the run's first event once the server is streaming it.
async function startRun(signal?: AbortSignal) {
  const response = await post(
    '/api/chat',
    JSON.stringify({ question: 'What is the weather in Oslo?' }),
    undefined,
    signal,
  );
  const reader = response.body!.getReader();
  const first = new TextDecoder().decode((await reader.read()).value as Uint8Array | undefined);
  const runId = /"runId":"([\w-]+)"/.exec(first)?.[1] ?? '';
  return { response, reader, runId };
}

describe('web chat server', () => {
  it('binds 127.0.0.1 and says which model it runs on', async () => {
    expect(new URL(chat.url).hostname).toBe('127.0.0.1');
    expect(await (await fetch(new URL('/api/info', chat.url))).json()).toMatchObject({
      offline: true,
      model: expect.stringContaining('offline: scripted model') as unknown,
    });
  });

  it.each([
    ['a body that is not JSON', () => post('/api/chat', 'hello'), 400, 'The request body is not valid JSON.'],
    [
      'another content type',
      () => post('/api/chat', 'question=hi', 'application/x-www-form-urlencoded'),
      415,
      /as JSON/,
    ],
    ['an empty question', () => post('/api/chat', '{"question":"  "}'), 400, /^Bad request: question: /],
    ['a body over the limit', () => post('/api/chat', 'x'.repeat(MAX_BODY_BYTES + 1)), 413, /larger than 1024 KB/],
    [
      'a decision for a run that is not waiting',
      () => post('/api/runs/no-such-run/approvals', '{"approvals":{"call_1":{"approved":true}}}'),
      404,
      'No run no-such-run is waiting for a decision (it ended, or waited too long).',
    ],
    [
      'a malformed decision',
      () => post('/api/runs/x/approvals', '{"approvals":{"call_1":{"approved":"yes"}}}'),
      400,
      /approvals\.call_1/,
    ],
    ['a stop of a run that is not streaming', () => post('/api/runs/x/stop', '{}'), 404, 'No run x is streaming.'],
  ])('refuses %s with %i and a message that says what is wrong', async (_case, send, status, message) => {
    const answer = await refusal(await send());

    expect(answer.status).toBe(status);
    expect(answer.error).toMatch(message);
  });

  it('refuses a request addressed to another host name, as a DNS-rebinding page would send', async () => {
    const { port } = new URL(chat.url);
    const { request } = await import('node:http');
    const status = await new Promise<number | undefined>((resolve, reject) => {
      request({ host: '127.0.0.1', port, path: '/', headers: { Host: `evil.example:${port}` } }, (response) => {
        response.resume();
        resolve(response.statusCode);
      })
        .on('error', reject)
        .end();
    });

    expect(status).toBe(403);
  });

  it('refuses a run beyond the concurrent limit with 503, and stops a run on request', async () => {
    const first = await startRun();

    const busy = await refusal(await post('/api/chat', '{"question":"What is the weather in Oslo?"}'));
    const stop = await post(`/api/runs/${first.runId}/stop`, '{}');
    while (!(await first.reader.read()).done) {
      // Reads the stream to its end: the run's last events, then the end of the response.
    }
    await expect.poll(() => chat.activeRuns).toBe(0);

    expect(busy).toEqual({
      status: 503,
      error: 'The server is running as many chats as it may (1); try again when one has ended.',
    });
    expect(stop.status).toBe(202);
    expect(ended.find((result) => result.metadata.runId === first.runId)?.state).toBe('aborted');
  });

  it('aborts the run of a page that stops reading, and frees its slot', async () => {
    const request = new AbortController();
    const { runId } = await startRun(request.signal);

    request.abort();

    await expect.poll(() => ended.find((result) => result.metadata.runId === runId)?.state).toBe('aborted');
    await expect.poll(() => chat.activeRuns).toBe(0);
  });
});
