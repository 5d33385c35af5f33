import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerText, serverSentEventsResponse, tool, writeServerSentEvents, z } from '@tinyagent/core';
import type { ApprovalDecision, RunResult, RunSnapshot } from '@tinyagent/core';
import { createScriptedModel } from '@tinyagent/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { ReactAgent } from './react-agent.ts';
import { add, createAgent, fastRetryingModel, getWeather, recordEvents, startServer } from './test-fixtures.ts';

// A ReactAgent (native tool calling) served over HTTP: its answer as text, its events as
// server-sent events from a real node server, read by the real fetch, as a web page would.

const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function listen(handle: (request: IncomingMessage, response: ServerResponse) => void): Promise<string> {
  const server = createServer(handle);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  let body = '';
  for await (const chunk of request) body += String(chunk);
  return JSON.parse(body) as unknown;
}

interface Frame {
  event: string;
  data: Record<string, unknown>;
}

// EventSource's parsing, for frames of one data line each (what the helpers send).
function parseFrames(text: string): Frame[] {
  return text
    .split('\n\n')
    .filter((block) => block !== '' && !block.startsWith(':'))
    .map((block) => {
      const fields = new Map(
        block.split('\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]),
      );
      return {
        event: fields.get('event') ?? 'message',
        data: JSON.parse(fields.get('data') ?? '{}') as Record<string, unknown>,
      };
    });
}

// What a page does with the frames to show the answer as it grows (docs/streaming.md).
function showAnswer(frames: readonly Frame[]): string[] {
  const shown: string[] = [];
  let answer = '';
  let call = '';
  for (const { event, data } of frames) {
    const from = `${String(data.step)}/${String(data.attempt)}`;
    if (event === 'answer-delta') {
      answer = from === call ? answer + String(data.text) : String(data.text);
      call = from;
    } else if (event === 'model-retry' && from === call) answer = '';
    else if (event === 'model-response' && (data.toolCalls as unknown[]).length > 0) answer = '';
    else if (event === 'run-end') answer = (data.result as RunResult).output;
    else continue;
    shown.push(answer);
  }
  return shown;
}

async function collect(values: AsyncIterable<string>): Promise<string[]> {
  const seen: string[] = [];
  for await (const value of values) seen.push(value);
  return seen;
}

function output(events: ReturnType<typeof recordEvents>['events']): string | undefined {
  const end = events.at(-1);
  return end?.type === 'run-end' ? end.result.output : undefined;
}

describe('a ReactAgent served over HTTP', () => {
  it('gives its answer text as it streams, ending with the output, past a tool turn’s preamble', async () => {
    const server = await startServer({
      script: [
        { content: 'Let me add that up.', toolCalls: [{ name: 'add', arguments: { a: 2, b: 3 } }] },
        'The sum is 5.',
      ],
      chunkSize: 3,
    });
    const { events, onEvent } = recordEvents();
    const agent = createAgent(server, { toolCalling: 'native' });

    const values = await collect(answerText(agent.stream('Add 2 and 3.', { deltas: true, onEvent })));

    expect(values.slice(0, values.indexOf(''))).toContain('Let me add that up.');
    expect(values.filter((value) => value.startsWith('The sum')).length).toBeGreaterThan(2);
    expect(values.at(-1)).toBe('The sum is 5.');
    expect(values.at(-1)).toBe(output(events));
  });

  it('drops the text of an attempt that broke off mid-stream and was retried', async () => {
    const server = await startServer({
      script: [{ streamError: { message: 'Upstream overloaded', code: 503 }, content: 'It is sun' }, 'It is raining.'],
      chunkSize: 3,
    });
    const agent = createAgent(server, { toolCalling: 'native', chatModel: fastRetryingModel(server) });

    const values = await collect(answerText(agent.stream('Weather?', { deltas: true })));

    const retried = values.indexOf('');
    expect(retried).toBeGreaterThan(0);
    expect(values.slice(retried + 1).every((value) => 'It is raining.'.startsWith(value))).toBe(true);
    expect(values.at(-1)).toBe('It is raining.');
  });

  it('throws the model’s error from answerText, and sends it without stack as run-end’s', async () => {
    const server = await startServer({
      script: [
        { status: 400, message: 'Bad request.' },
        { status: 400, message: 'Bad request.' },
      ],
    });
    const agent = createAgent(server, { toolCalling: 'native' });

    await expect(collect(answerText(agent.stream('Weather?', { deltas: true })))).rejects.toMatchObject({
      name: 'ModelCallError',
    });
    const frames = parseFrames(await serverSentEventsResponse(agent.stream('Weather?')).text());
    const result = frames.find((frame) => frame.event === 'run-end')?.data.result as Record<string, unknown>;
    expect(result.state).toBe('error');
    expect(result.error).toEqual({ name: 'ModelCallError', message: expect.any(String) as string, code: 'model_call' });
  });

  it('streams its events from a node server to fetch, where a page shows the answer growing', async () => {
    const server = await startServer({
      script: [
        { content: 'Checking.', toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }] },
        'It is snowing in Oslo, -3 °C.',
      ],
      chunkSize: 4,
    });
    const agent = createAgent(server, { toolCalling: 'native', tools: [getWeather, add] });
    const url = await listen((_request, response) => {
      void writeServerSentEvents(agent.stream('Weather in Oslo?', { deltas: true }), response);
    });

    const response = await fetch(url);
    const frames = parseFrames(await response.text());

    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(frames.map((frame) => frame.event)).toEqual(
      expect.arrayContaining(['answer-delta', 'tool-call-delta', 'tool-end']),
    );
    expect(frames.slice(-2).map((frame) => frame.event)).toEqual(['run-end', 'end']);
    const shown = showAnswer(frames);
    expect(shown).toContain('Checking.');
    expect(shown.at(-1)).toBe('It is snowing in Oslo, -3 °C.');
    expect(shown.at(-2)).toBe('It is snowing in Oslo, -3 °C.');
  });

  it('pauses for approval with the snapshot a page sends back to resume', async () => {
    const sent: string[] = [];
    const sendEmail = tool({
      name: 'send_email',
      description: 'Sends an email.',
      parameters: z.object({ to: z.string() }),
      needsApproval: true,
      execute: ({ to }) => {
        sent.push(to);
        return `sent to ${to}`;
      },
    });
    const model = createScriptedModel(
      [{ toolCalls: [{ id: 'mail-1', name: 'send_email', arguments: { to: 'ada@example.com' } }] }, 'Sent.'],
      { chunkSize: 4 },
    );
    const agent = new ReactAgent({ tools: [sendEmail], chatModel: model, toolCalling: 'native' });
    const url = await listen((request, response) => {
      if (request.url === '/run') {
        void writeServerSentEvents(agent.stream('Email Ada.', { deltas: true }), response, { include: ['snapshot'] });
        return;
      }
      void readJson(request).then((body) => {
        const { snapshot, approvals } = body as { snapshot: RunSnapshot; approvals: Record<string, ApprovalDecision> };
        return writeServerSentEvents(agent.resumeStream(snapshot, { approvals, deltas: true }), response);
      });
    });

    const paused = parseFrames(await (await fetch(`${url}/run`)).text());
    const pause = paused.find((frame) => frame.event === 'run-end')?.data.result as RunResult;
    const decision = { [pause.pendingApprovals?.[0]?.callId ?? '']: { approved: true } };
    const resumed = parseFrames(
      await (
        await fetch(`${url}/resume`, {
          method: 'POST',
          body: JSON.stringify({ snapshot: pause.snapshot, approvals: decision }),
        })
      ).text(),
    );

    expect(pause.state).toBe('awaiting_approval');
    expect(pause.pendingApprovals).toEqual([expect.objectContaining({ callId: 'mail-1', toolName: 'send_email' })]);
    expect(sent).toEqual(['ada@example.com']);
    expect(resumed.find((frame) => frame.event === 'run-end')?.data.result).toMatchObject({ output: 'Sent.' });
  });
});
