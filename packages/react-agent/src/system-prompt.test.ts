import { join } from 'node:path';
import { tool, z } from '@tinyagent/core';
import { captureLogs, tempFiles } from '@tinyagent/testing';
import type { LogCapture, TempFiles } from '@tinyagent/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_JSON_PROMPT, DEFAULT_NATIVE_PROMPT, buildSystemPrompt, describeTools } from './system-prompt.ts';
import { add, getWeather } from './test-fixtures.ts';

let files: TempFiles;
let logs: LogCapture;

beforeEach(() => {
  files = tempFiles('react-agent-prompt-');
  logs = captureLogs();
});

afterEach(() => {
  logs.restore();
  files.remove();
});

const promptFile = (name: string, text: string): string => files.write(name, text);

describe('describeTools', () => {
  it('writes one line per tool: name, description and argument schema', () => {
    const search = tool({
      name: 'search',
      description: 'Searches the web.\n  Use short queries',
      parameters: z.object({ query: z.string(), limit: z.number().optional() }),
      execute: () => [],
    });

    expect(describeTools([getWeather, search]).split('\n')).toEqual([
      '- get_weather: Current weather for a city. Arguments: ' +
        '{"type":"object","properties":{"city":{"type":"string","description":"City name"}},"required":["city"]}',
      '- search: Searches the web. Use short queries. Arguments: ' +
        '{"type":"object","properties":{"query":{"type":"string"},"limit":{"type":"number"}},"required":["query"]}',
    ]);
  });
});

describe('buildSystemPrompt', () => {
  it('fills the default JSON prompt with the tools and keeps its JSON examples', () => {
    const prompt = buildSystemPrompt([getWeather, add], 'json', undefined);

    expect(prompt).toBe(DEFAULT_JSON_PROMPT.replace('{tools}', describeTools([getWeather, add])));
    expect(prompt).toContain('{"scratchpad": "your reasoning", "answer": "your final answer"}');
    expect(logs.warnings).toEqual([]);
  });

  it('uses the native default, which leaves the tool list to the API', () => {
    expect(buildSystemPrompt([getWeather], 'native', undefined)).toBe(DEFAULT_NATIVE_PROMPT);
  });

  it('renders a prompt file, filling {tools} and leaving other braces as written', () => {
    const path = promptFile(
      'game-master.xml',
      '<role>Game master</role>\n<tools>\n{tools}\n</tools>\n<format>{"answer": "..."} {unknown}</format>',
    );

    expect(buildSystemPrompt([add], 'json', path)).toBe(
      `<role>Game master</role>\n<tools>\n${describeTools([add])}\n</tools>\n<format>{"answer": "..."} {unknown}</format>`,
    );
    expect(logs.warnings).toEqual([]);
  });

  it('falls back to the default prompt, with one warning, when the file is missing', () => {
    const path = join(files.folder, 'missing.md');

    expect(buildSystemPrompt([add], 'json', path)).toBe(buildSystemPrompt([add], 'json', undefined));
    expect(logs.warnings).toHaveLength(1);
    expect(logs.warnings[0]).toContain('does not exist');
  });

  it('warns when a JSON-protocol prompt has no {tools} placeholder, but not for the native protocol', () => {
    const path = promptFile('bare.txt', 'Answer in JSON.');

    expect(buildSystemPrompt([add], 'json', path)).toBe('Answer in JSON.');
    expect(logs.warnings).toEqual([expect.stringContaining('has no {tools} placeholder') as unknown]);
    logs.clear();
    expect(buildSystemPrompt([add], 'native', path)).toBe('Answer in JSON.');
    expect(logs.warnings).toEqual([]);
  });
});
