import { tool } from '@tinyagent/core';
import type { ChatMessage } from '@tinyagent/core';
import { createScriptedModel } from '@tinyagent/testing';
import type { ScriptedReply } from '@tinyagent/testing';
import { describe, expect, it } from 'vitest';
import { ReactAgent } from './react-agent.ts';
import type { ToolCallingMode } from './system-prompt.ts';
import { reply } from './test-fixtures.ts';

// A tool as an MCP server describes it: JSON Schema, not zod.
const READ_FILE_SCHEMA = {
  type: 'object',
  properties: {
    path: { type: 'string', description: 'Absolute path', pattern: '^/' },
    range: { type: 'object', properties: { from: { type: 'integer', minimum: 1 } }, required: ['from'] },
  },
  required: ['path'],
};

function callReply(toolCalling: ToolCallingMode, args: unknown): ScriptedReply {
  return toolCalling === 'json'
    ? reply({ tool: 'fs_read_file', arguments: args })
    : { toolCalls: [{ name: 'fs_read_file', arguments: args }] };
}

// What the model read back from each tool call, in order: tool messages or observations.
function readBack(toolCalling: ToolCallingMode, messages: readonly ChatMessage[]): string[] {
  const role = toolCalling === 'native' ? 'tool' : 'user';
  const prefix = toolCalling === 'native' ? '' : 'Observation: ';
  return messages
    .filter((message) => message.role === role)
    .map((message) => String(message.content))
    .filter((text) => text.startsWith(prefix))
    .map((text) => text.slice(prefix.length));
}

describe.each(['native', 'json'] as const)(
  'ReactAgent (%s protocol) with a tool defined by JSON Schema',
  (toolCalling) => {
    it('sends invalid arguments back with the field paths, then runs the corrected call', async () => {
      const calls: unknown[] = [];
      const readFile = tool({
        name: 'fs_read_file',
        description: 'Reads a file.',
        inputSchema: READ_FILE_SCHEMA,
        execute: async (args) => {
          calls.push(args);
          return Promise.resolve(`contents of ${String(args.path)}`);
        },
      });
      const model = createScriptedModel([
        callReply(toolCalling, { path: 7, range: { from: 0 } }),
        callReply(toolCalling, { path: '/notes.txt', range: { from: 2 } }),
        toolCalling === 'json' ? reply({ answer: 'Read it.' }) : 'Read it.',
      ]);
      const agent = new ReactAgent({ tools: [readFile], chatModel: model, toolCalling });

      const result = await agent.run('Read /notes.txt from line 2.', { returnResult: true });

      expect(result.output).toBe('Read it.');
      expect(readBack(toolCalling, result.messages)).toEqual([
        "Error: Invalid arguments for tool 'fs_read_file': path: Invalid input: expected string, received number; " +
          'range.from: Too small: expected number to be >=1',
        'contents of /notes.txt',
      ]);
      expect(calls).toEqual([{ path: '/notes.txt', range: { from: 2 } }]);
      // The model is shown the server's schema itself, pattern included: the server checks that one.
      const firstRequest = model.requests[0];
      if (toolCalling === 'native') {
        expect(firstRequest?.tools?.[0]?.parameters).toEqual(READ_FILE_SCHEMA);
      } else {
        expect(firstRequest?.messages[0]?.content).toContain(JSON.stringify(READ_FILE_SCHEMA));
      }
    });
  },
);
