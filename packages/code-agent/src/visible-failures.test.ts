import { tool, z } from '@tinyagent/core';
import type { AgentEvent } from '@tinyagent/core';
import { createScriptedModel } from '@tinyagent/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TinyCodeAgent } from './code-agent.ts';
import type { CodeEvent } from './code-events.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

// A tool with a real bug: it reads a field of undefined.
const lookup = tool({
  name: 'lookup',
  description: 'Looks a city up.',
  parameters: z.object({ city: z.string() }),
  execute: ({ city }) => {
    const table: Record<string, { population: number }> = {};
    return (table[city] as { population: number }).population;
  },
});

const js = (code: string): string => `\`\`\`js\n${code}\n\`\`\``;

function createCrashAgent(): TinyCodeAgent {
  const model = createScriptedModel([
    js('try { lookup({ city: "Paris" }) } catch (error) { console.log(error.message) }'),
    js('final_answer("unknown")'),
  ]);
  return new TinyCodeAgent({ tools: [lookup], chatModel: model });
}

describe('a tool that throws inside the sandbox', () => {
  it('hands the thrown error, with its stack, to the tool-end event but not to the code', async () => {
    const events: (AgentEvent | CodeEvent)[] = [];
    const result = await createCrashAgent().run('Population?', {
      returnResult: true,
      onEvent: (event) => events.push(event),
    });

    const end = events.find((event) => event.type === 'tool-end');
    const error = end?.type === 'tool-end' ? end.error : undefined;
    expect(error).toBeInstanceOf(TypeError);
    expect(error?.stack).toContain('visible-failures.test.ts');
    expect(JSON.stringify(result.messages)).not.toContain('visible-failures.test.ts');
  });

  it('keeps each step in the RunResult, with the code, its output and the failed call', async () => {
    const result = await createCrashAgent().run('Population?', { returnResult: true });

    expect(result.steps).toHaveLength(2);
    const [first, second] = result.steps;
    const [start, end] = first?.agentEvents ?? [];
    expect(start).toMatchObject({ type: 'code-start', step: 1 });
    expect((start as CodeEvent & { type: 'code-start' }).code).toContain('lookup({ city: "Paris" })');
    expect(end).toMatchObject({ type: 'code-end', step: 1, isError: false });
    expect((end as CodeEvent & { type: 'code-end' }).output).toMatch(/Tool 'lookup' failed: TypeError/);
    expect(first?.toolCalls).toHaveLength(1);
    expect(first?.toolCalls[0]).toMatchObject({ toolName: 'lookup', arguments: { city: 'Paris' }, isError: true });
    expect(first?.toolCalls[0]?.error).toBeInstanceOf(TypeError);
    expect(second?.agentEvents[0]).toMatchObject({ type: 'code-start', code: 'final_answer("unknown")' });
    expect(second?.modelReply?.content).toContain('final_answer');
  });

  it('prints the stack of the thrown error with verbose: true', async () => {
    let printed = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((text) => {
      printed += String(text);
      return true;
    });
    await createCrashAgent().run('Population?', { verbose: true });

    expect(printed).toMatch(/thrown:\n\s+TypeError: Cannot read properties of undefined[^\n]*\n[^\n]*at /);
  });
});
