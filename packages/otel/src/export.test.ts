import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { propagation } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OpenAIChatModel } from '@tinyagent/core';
import { ReactAgent } from '@tinyagent/react-agent';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { traceRun } from './trace-run.ts';
import { tracedFetch } from './traced-fetch.ts';
import { createAgent, finishedSpans, getWeather, provider, startServer } from './test-fixtures.ts';

interface ExportedSpan {
  name: string;
  traceId: string;
  attributes: { key: string; value: { stringValue?: string } }[];
}

// An OTLP/HTTP receiver on loopback: keeps the JSON body of every export it gets.
async function startReceiver(): Promise<{ url: string; bodies: unknown[]; close: () => Promise<void> }> {
  const bodies: unknown[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    bodies,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function exportedSpans(bodies: readonly unknown[]): ExportedSpan[] {
  type Body = { resourceSpans: { scopeSpans: { spans: ExportedSpan[] }[] }[] };
  return (bodies as Body[]).flatMap((body) =>
    body.resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans)),
  );
}

describe('exporting and propagating traces', () => {
  it('exports a run over OTLP/HTTP to a collector', async () => {
    const receiver = await startReceiver();
    const exporting = new BasicTracerProvider({
      spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: receiver.url }))],
    });
    try {
      const server = await startServer({
        script: [{ toolCalls: [{ name: 'get_weather', arguments: { city: 'Rome' } }] }, 'Sunny.'],
      });

      const result = await createAgent(server, { toolCalling: 'native', tools: [getWeather] }).run('Rome?', {
        ...traceRun({ tracerProvider: exporting }),
        returnResult: true,
      });
      await exporting.forceFlush();

      const spans = exportedSpans(receiver.bodies);
      expect(spans.map((span) => span.name).sort()).toEqual([
        'chat fake-model',
        'chat fake-model',
        'execute_tool get_weather',
        'invoke_agent ReactAgent',
      ]);
      const run = spans.find((span) => span.name === 'invoke_agent ReactAgent');
      const conversation = run?.attributes.find((attribute) => attribute.key === 'gen_ai.conversation.id');
      expect(conversation?.value.stringValue).toBe(result.metadata.runId);
      expect(new Set(spans.map((span) => span.traceId)).size).toBe(1);
    } finally {
      await exporting.shutdown();
      await receiver.close();
    }
  });

  it('sends the chat span as traceparent with each model request through tracedFetch', async () => {
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    const server = await startServer({
      script: [{ toolCalls: [{ name: 'get_weather', arguments: { city: 'Rome' } }] }, 'Sunny.'],
    });
    const client = new OpenAI({ apiKey: 'test-key', baseURL: server.url, fetch: tracedFetch() });
    const agent = new ReactAgent({
      tools: [getWeather],
      toolCalling: 'native',
      chatModel: new OpenAIChatModel({ model: 'fake-model', client }),
    });

    await agent.run('Rome?', traceRun({ tracerProvider: provider }));

    const chats = finishedSpans().filter((span) => span.name === 'chat fake-model');
    expect(chats).toHaveLength(2);
    const sent = server.requests.map((request) => request.headers.traceparent);
    expect(sent).toEqual(chats.map((span) => `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`));
  });

  it('leaves requests untouched when no propagator is registered', async () => {
    const server = await startServer({ script: ['Hello.'] });
    const client = new OpenAI({ apiKey: 'test-key', baseURL: server.url, fetch: tracedFetch() });
    const agent = new ReactAgent({
      tools: [getWeather],
      toolCalling: 'native',
      chatModel: new OpenAIChatModel({ model: 'fake-model', client }),
    });

    await agent.run('Hi?', traceRun({ tracerProvider: provider }));

    expect(server.requests[0]?.headers.traceparent).toBeUndefined();
  });
});
