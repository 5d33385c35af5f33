import { describe, expect, it } from 'vitest';
import { traceRun } from './trace-run.ts';
import { createAgent, finishedSpans, spanNamed, provider, startServer } from './test-fixtures.ts';

interface Message {
  role: string;
  parts: { type: string; content?: string; id?: string; name?: string; arguments?: string }[];
  finish_reason?: string;
}

// The GenAI conventions' message attributes are JSON of their schema, however long the content.
function messagesOf(value: unknown): Message[] {
  expect(typeof value).toBe('string');
  return JSON.parse(String(value)) as Message[];
}

describe('message content on spans', () => {
  it('keeps gen_ai.*.messages valid JSON of the conventions’ shape when content is cut', async () => {
    const long = 'word '.repeat(200);
    const server = await startServer({
      script: [
        { content: 'Checking.', toolCalls: [{ name: 'get_weather', arguments: { city: `Paris ${long}` } }] },
        `Sunny. ${long}`,
      ],
    });

    await createAgent(server, { toolCalling: 'native' }).run(`Weather in Paris? ${long}`, {
      ...traceRun({ tracerProvider: provider, captureContent: true, maxContentLength: 100 }),
    });

    const run = spanNamed('invoke_agent ReactAgent');
    const [task] = messagesOf(run.attributes['gen_ai.input.messages']);
    expect(task).toMatchObject({ role: 'user', parts: [{ type: 'text' }] });
    const [answer] = messagesOf(run.attributes['gen_ai.output.messages']);
    expect(answer).toMatchObject({ role: 'assistant', parts: [{ type: 'text' }], finish_reason: 'stop' });
    expect(answer?.parts[0]?.content).toMatch(/^Sunny\. word.*…\[truncated\]$/);
    const [first, second] = finishedSpans().filter((span) => span.name === 'chat fake-model');
    const [toolTurn] = messagesOf(first?.attributes['gen_ai.output.messages']);
    expect(toolTurn).toMatchObject({
      role: 'assistant',
      parts: [{ type: 'text' }, { type: 'tool_call', name: 'get_weather' }],
      finish_reason: 'tool_calls',
    });
    expect(toolTurn?.parts[0]?.content).toBe('Checking.');
    expect(toolTurn?.parts[1]?.arguments).toMatch(/^\{"city":"Paris word.*…\[truncated\]$/);
    expect(messagesOf(second?.attributes['gen_ai.output.messages'])[0]).toMatchObject({ finish_reason: 'stop' });
    for (const span of finishedSpans()) {
      for (const value of Object.values(span.attributes)) expect(String(value).length).toBeLessThan(1_000);
    }
  });

  it('bounds a reply of many tool calls as a whole, not call by call', async () => {
    const calls = Array.from({ length: 200 }, (_, index) => ({
      name: 'get_weather',
      arguments: { city: `City ${index}` },
    }));
    const server = await startServer({ script: [{ toolCalls: calls }, 'Done.'] });

    await createAgent(server, { toolCalling: 'native' }).run('Everywhere?', {
      ...traceRun({ tracerProvider: provider, captureContent: true, maxContentLength: 200 }),
    });

    const [first] = finishedSpans().filter((span) => span.name === 'chat fake-model');
    const text = String(first?.attributes['gen_ai.output.messages']);
    expect(text.length).toBeLessThan(2_000);
    const [reply] = messagesOf(text);
    expect(reply?.parts.length).toBeLessThan(calls.length);
    expect(reply?.parts.at(-1)?.content).toMatch(/more tool calls/);
  });
});
