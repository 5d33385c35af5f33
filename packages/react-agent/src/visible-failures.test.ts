import { tool, z } from '@tinyagent/core';
import { createScriptedModel } from '@tinyagent/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ReactAgent } from './react-agent.ts';
import { recordEvents, reply } from './test-fixtures.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

// A tool with a real bug: it reads a field of undefined, as a first tool often does.
const lookup = tool({
  name: 'lookup',
  description: 'Looks a city up.',
  parameters: z.object({ city: z.string() }),
  execute: ({ city }) => {
    const table: Record<string, { population: number }> = {};
    return (table[city] as { population: number }).population;
  },
});

function createCrashAgent(): ReactAgent {
  const model = createScriptedModel([
    reply({ tool: 'lookup', arguments: { city: 'Paris' } }),
    reply({ answer: 'I could not look it up.' }),
  ]);
  return new ReactAgent({ tools: [lookup], chatModel: model });
}

describe('a tool that throws', () => {
  it('hands the thrown error, with its stack, to the tool-end event but not to the model', async () => {
    const { events, onEvent } = recordEvents();
    const result = await createCrashAgent().run('Population of Paris?', { returnResult: true, onEvent });

    const end = events.find((event) => event.type === 'tool-end');
    expect(end?.type === 'tool-end' && end.error).toBeInstanceOf(TypeError);
    const error = end?.type === 'tool-end' ? end.error : undefined;
    expect(error?.stack).toContain('visible-failures.test.ts');
    const transcript = JSON.stringify(result.messages);
    expect(transcript).toContain('TypeError');
    expect(transcript).not.toContain('visible-failures.test.ts');
  });

  it('keeps every step in the RunResult: the reply, the call, its outcome and the error', async () => {
    const result = await createCrashAgent().run('Population of Paris?', { returnResult: true });

    expect(result.state).toBe('completed');
    expect(result.steps).toHaveLength(2);
    const [first, second] = result.steps;
    expect(first?.modelReply?.content).toContain('"tool":"lookup"');
    expect(first?.modelReply?.finishReason).toBe('stop');
    expect(first?.toolCalls).toHaveLength(1);
    const call = first?.toolCalls[0];
    expect(call).toMatchObject({ toolName: 'lookup', arguments: { city: 'Paris' }, isError: true });
    expect(call?.output).toMatch(/^Error: Tool 'lookup' failed: TypeError/);
    expect(call?.error).toBeInstanceOf(TypeError);
    expect(call?.durationMs).toBeGreaterThanOrEqual(0);
    expect(second?.toolCalls).toEqual([]);
    expect(second?.modelReply?.content).toContain('I could not look it up.');
  });

  it('prints the stack of the thrown error with verbose: true', async () => {
    let printed = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((text) => {
      printed += String(text);
      return true;
    });
    await createCrashAgent().run('Population of Paris?', { verbose: true });

    expect(printed).toContain('thrown:');
    expect(printed).toMatch(/TypeError: Cannot read properties of undefined[^\n]*\n[^\n]*at /);
    expect(printed).toContain('visible-failures.test.ts');
  });
});
