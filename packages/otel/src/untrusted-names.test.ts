import { trace } from '@opentelemetry/api';
import { registerSecret, tool, z } from '@tinyagent/core';
import { describe, expect, it } from 'vitest';
import { traceRun } from './trace-run.ts';
import { createAgent, finishedSpans, provider, startServer } from './test-fixtures.ts';

// Longer than any real tool name, call id or model name; the bound is the span status's (500 and a marker).
const HUGE = 50_000;
const BOUND = 600;

// A chat completion as a server might send it: the names and ids in it are the server's to choose.
function rawReply(model: string, call: { id: string; name: string }): { raw: string } {
  const message = {
    role: 'assistant',
    content: null,
    tool_calls: [{ id: call.id, type: 'function', function: { name: call.name, arguments: '{}' } }],
  };
  return {
    raw: JSON.stringify({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 0,
      model,
      choices: [{ index: 0, message, finish_reason: 'tool_calls' }],
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
    }),
  };
}

// Every string a span carries: its name, its attributes, its events' attributes and its status.
function spanTexts(): string[] {
  return finishedSpans().flatMap((span) => [
    span.name,
    ...Object.values(span.attributes).flat().map(String),
    ...span.events.flatMap((event) =>
      Object.values(event.attributes ?? {})
        .flat()
        .map(String),
    ),
    span.status.message ?? '',
  ]);
}

describe('names and ids from the model', () => {
  it('bounds and redacts the tool name, call id and response model a server sent, with content off', async () => {
    registerSecret('sk-tool-name-secret-0123456789');
    const name = `lookup_sk-tool-name-secret-0123456789_${'n'.repeat(HUGE)}`;
    const server = await startServer({
      script: [rawReply(`model-${'m'.repeat(HUGE)}`, { id: `call_${'i'.repeat(HUGE)}`, name }), 'Done.'],
    });

    const result = await createAgent(server, { toolCalling: 'native' }).run('Look it up.', {
      ...traceRun({ tracerProvider: provider }),
      returnResult: true,
    });

    expect(result.state).toBe('completed');
    const toolSpan = finishedSpans().find((span) => span.attributes['gen_ai.operation.name'] === 'execute_tool');
    expect(String(toolSpan?.attributes['gen_ai.tool.name'])).toMatch(/^lookup_/);
    expect(String(toolSpan?.attributes['gen_ai.tool.call.id'])).toMatch(/^call_i/);
    for (const text of spanTexts()) {
      expect(text.length).toBeLessThanOrEqual(BOUND);
      expect(text).not.toContain('sk-tool-name-secret-0123456789');
    }
  });

  it('bounds the tool name of a JSON-protocol reply', async () => {
    const server = await startServer({
      script: [JSON.stringify({ tool: 'x'.repeat(HUGE), arguments: {} }), JSON.stringify({ answer: 'Done.' })],
    });

    await createAgent(server).run('Look it up.', traceRun({ tracerProvider: provider }));

    expect(finishedSpans().map((span) => span.name)).toContain(`execute_tool ${'x'.repeat(256)}…[truncated]`);
    for (const text of spanTexts()) expect(text.length).toBeLessThanOrEqual(BOUND);
  });

  it('runs a tool inside its span whatever its call id, even one that ends like a model step', async () => {
    const inTool: (string | undefined)[] = [];
    const lookup = tool({
      name: 'lookup',
      description: 'Looks a name up.',
      parameters: z.object({}),
      execute: () => {
        inTool.push(trace.getActiveSpan()?.spanContext().spanId);
        return 'found';
      },
    });
    const server = await startServer({
      script: [{ toolCalls: [{ id: 'functions.lookup/model', name: 'lookup', arguments: {} }] }, 'Done.'],
    });

    await createAgent(server, { toolCalling: 'native', tools: [lookup] }).run('Look it up.', {
      ...traceRun({ tracerProvider: provider }),
    });

    const toolSpan = finishedSpans().find((span) => span.name === 'execute_tool lookup');
    expect(toolSpan?.attributes['gen_ai.tool.call.id']).toBe('functions.lookup/model');
    expect(inTool).toEqual([toolSpan?.spanContext().spanId]);
  });
});
