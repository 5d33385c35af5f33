import { ToolExecutionError, tool, z } from '@tinyagent/core';
import type { ChatMessage, RunResult } from '@tinyagent/core';
import { createScriptedModel } from '@tinyagent/testing';
import type { ScriptedReply } from '@tinyagent/testing';
import { describe, expect, it } from 'vitest';
import { ReactAgent } from './react-agent.ts';
import type { ReactAgentOptions } from './react-agent.ts';
import type { ToolCallingMode } from './system-prompt.ts';
import { add, recordEvents, reply } from './test-fixtures.ts';

// What the model reads back from a tool call, with either protocol: core's one tool path
// (cutting, failure text, refusals) as ReactAgent drives it, end to end on a scripted model.

// A reply that calls `name` with `args`, in the protocol's own shape.
function callReply(toolCalling: ToolCallingMode, name: string, args: unknown): ScriptedReply {
  return toolCalling === 'json' ? reply({ tool: name, arguments: args }) : { toolCalls: [{ name, arguments: args }] };
}

function answerReply(toolCalling: ToolCallingMode): ScriptedReply {
  return toolCalling === 'json' ? reply({ answer: 'Done.' }) : 'Done.';
}

// What the model read back for the run's first tool call: the observation or the tool message.
function readBack(toolCalling: ToolCallingMode, messages: readonly ChatMessage[]): string {
  const message = messages[3];
  if (toolCalling === 'native') {
    expect(message?.role).toBe('tool');
    return message?.content ?? '';
  }
  expect(message?.role).toBe('user');
  expect(message?.content).toMatch(/^Observation: /);
  return message?.content?.slice('Observation: '.length) ?? '';
}

// One tool call of `tool` with `args`, then the answer.
async function callOnce(
  toolCalling: ToolCallingMode,
  options: Partial<ReactAgentOptions> & { tools: ReactAgentOptions['tools'] },
  name: string,
  args: unknown = {},
): Promise<{ result: RunResult; output: string; events: ReturnType<typeof recordEvents>['events'] }> {
  const model = createScriptedModel([callReply(toolCalling, name, args), answerReply(toolCalling)]);
  const { events, onEvent } = recordEvents();
  const agent = new ReactAgent({ ...options, chatModel: model, toolCalling });
  const result = await agent.run('Use the tool.', { returnResult: true, onEvent });
  expect(result.state).toBe('completed');
  return { result, output: readBack(toolCalling, result.messages), events };
}

function textTool(text: string) {
  return tool({ name: 'text', description: 'Returns a fixed text.', execute: () => text });
}

function throwingTool(thrown: unknown) {
  return tool({
    name: 'fails',
    description: 'Always fails.',
    execute: () => {
      throw thrown;
    },
  });
}

describe.each(['json', 'native'] as const)('ReactAgent tool results, %s protocol', (toolCalling) => {
  it('passes an output of exactly maxObservationLength characters whole', async () => {
    const { output, events } = await callOnce(
      toolCalling,
      { tools: [textTool('x'.repeat(10))], maxObservationLength: 10 },
      'text',
    );

    expect(output).toBe('x'.repeat(10));
    expect(events.find((event) => event.type === 'tool-end')).toMatchObject({ originalLength: undefined });
  });

  it('cuts a longer output with a notice giving its original length, in the events and records too', async () => {
    const { output, events, result } = await callOnce(
      toolCalling,
      { tools: [textTool('abcdefgh')], maxObservationLength: 3 },
      'text',
    );

    expect(output).toBe('abc\n[truncated: showing the first 3 of 8 characters]');
    expect(events.find((event) => event.type === 'tool-end')).toMatchObject({ output, originalLength: 8 });
    expect(result.steps[0]?.toolCalls[0]).toMatchObject({ output, originalLength: 8, isError: false });
  });

  it('never splits a surrogate pair when it cuts', async () => {
    const { output } = await callOnce(toolCalling, { tools: [textTool('ab😀cd')], maxObservationLength: 3 }, 'text');

    expect(output).toBe('ab\n[truncated: showing the first 2 of 6 characters]');
  });

  it.each([
    ['an Error', new Error('backend down'), "Error: Tool 'fails' failed: backend down"],
    ['a string', 'a thrown string', "Error: Tool 'fails' failed: threw a thrown string"],
    [
      "core's ToolExecutionError",
      new ToolExecutionError(ToolExecutionError.describe('fails', 'overflow'), { toolName: 'fails' }),
      "Error: Tool 'fails' failed: overflow",
    ],
  ])('says once which tool failed and why when it throws %s', async (_case, thrown, expected) => {
    const { output, events } = await callOnce(toolCalling, { tools: [throwingTool(thrown)] }, 'fails');

    expect(output).toBe(expected);
    expect(events.find((event) => event.type === 'tool-end')).toMatchObject({ output: expected, isError: true });
  });

  it('says which arguments were wrong, without running the tool', async () => {
    const ran: unknown[] = [];
    const sum = tool({
      name: 'sum',
      description: 'Adds two numbers.',
      parameters: z.object({ a: z.number(), b: z.number() }),
      execute: (args) => ran.push(args),
    });

    const { output } = await callOnce(toolCalling, { tools: [sum] }, 'sum', { a: 'one', b: 2 });

    expect(output).toBe("Error: Invalid arguments for tool 'sum': a: Invalid input: expected number, received string");
    expect(ran).toEqual([]);
  });
});

describe('ReactAgent tool results, native protocol only', () => {
  it('refuses the calls past maxToolCallsPerTurn without reading their arguments', async () => {
    const model = createScriptedModel([
      {
        toolCalls: [
          { id: 'ok', name: 'add', arguments: { a: 1, b: 2 } },
          { id: 'late', name: 'add', arguments: '{"a": 1, "b": ' },
        ],
      },
      'Done.',
    ]);
    const { events, onEvent } = recordEvents();

    const result = await new ReactAgent({
      tools: [add],
      chatModel: model,
      toolCalling: 'native',
      maxToolCallsPerTurn: 1,
    }).run('Add.', { returnResult: true, onEvent });

    expect(result.messages.slice(3, 5)).toEqual([
      { role: 'tool', toolCallId: 'ok', content: '3' },
      {
        role: 'tool',
        toolCallId: 'late',
        content:
          'Error: not run: at most 1 tool calls run per turn, and this turn made more. Make fewer calls at a time.',
      },
    ]);
    // The refused call still opens and closes in the events, so a UI shows every call of the turn.
    const ends = events.flatMap((event) => (event.type === 'tool-end' ? [[event.toolCallId, event.isError]] : []));
    expect(Object.fromEntries(ends)).toEqual({ ok: false, late: true });
    expect(ends).toHaveLength(2);
  });
});
