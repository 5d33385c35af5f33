import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TinyCodeAgent } from '@tinyagent/code-agent';
import { ConfigurationError } from '@tinyagent/core';
import { ReactAgent } from '@tinyagent/react-agent';
import { captureLogs, createScriptedModel, tempFiles } from '@tinyagent/testing';
import type { RecordedChatRequest } from '@tinyagent/testing';
import { describe, expect, it } from 'vitest';
import { connectMcp } from './connect-mcp.ts';
import { filesystemServer, memoryServer } from './test-servers.ts';

// What the tools answered, as the model received them in its last request.
function toolResults(request: RecordedChatRequest): string[] {
  return request.messages.filter((message) => message.role === 'tool').map((message) => message.content);
}

describe('an agent run with MCP tools', () => {
  it('reads a file with server-filesystem and remembers it with server-memory, and answers from both', async () => {
    using logs = captureLogs();
    using files = tempFiles('tinyagent-mcp-');
    const notePath = files.write('note.txt', 'The launch code word is PELICAN.');
    const memoryFile = join(files.folder, 'memory.jsonl');
    await using mcp = await connectMcp([filesystemServer(files.folder), memoryServer(memoryFile)], { prefix: true });

    const model = createScriptedModel([
      {
        toolCalls: [
          { id: 'call_read', name: 'files_read_text_file', arguments: { path: notePath } },
          {
            id: 'call_remember',
            name: 'memory_create_entities',
            arguments: { entities: [{ name: 'launch', entityType: 'code_word', observations: ['PELICAN'] }] },
          },
        ],
      },
      { toolCalls: [{ id: 'call_graph', name: 'memory_read_graph', arguments: {} }] },
      (request) => {
        const [file, , graph] = toolResults(request);
        const text = (JSON.parse(file ?? '{}') as { content?: string }).content ?? '';
        const entity = /"name":\s*"(\w+)"/.exec(graph ?? '')?.[1] ?? 'nothing';
        return `${text} I remembered it as '${entity}'.`;
      },
    ]);
    const agent = new ReactAgent({ tools: [...mcp.tools], chatModel: model, toolCalling: 'native' });
    const answer = await agent.run('What is the code word in note.txt? Remember it.');

    expect(answer).toBe("The launch code word is PELICAN. I remembered it as 'launch'.");
    expect(readFileSync(memoryFile, 'utf8')).toContain('PELICAN');
    const offered = model.requests[0]?.tools?.map((definition) => definition.name) ?? [];
    expect(offered).toEqual(
      expect.arrayContaining(['files_read_text_file', 'memory_create_entities', 'memory_read_graph']),
    );
    expect(logs.warnings).toEqual([]);
  });

  it('is refused by TinyCodeAgent like any async tool, pointing to ReactAgent', async () => {
    using files = tempFiles('tinyagent-mcp-');
    await using mcp = await connectMcp([filesystemServer(files.folder)]);
    const build = (): TinyCodeAgent => new TinyCodeAgent({ tools: [...mcp.tools], chatModel: createScriptedModel([]) });
    expect(build).toThrow(ConfigurationError);
    expect(build).toThrow(/does not support async tools: '\w+' has an async execute.*use ReactAgent/s);
  });
});
