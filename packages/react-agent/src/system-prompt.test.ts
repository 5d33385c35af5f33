import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setLogger, tool, z } from '@tinyagent/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_JSON_PROMPT, DEFAULT_NATIVE_PROMPT, buildSystemPrompt, describeTools } from './system-prompt.ts';
import { add, getWeather } from './test-fixtures.ts';

let folder: string;
let warnings: string[];

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'react-agent-prompt-'));
  warnings = [];
  setLogger({
    debug: () => undefined,
    info: () => undefined,
    error: () => undefined,
    warn: (line) => warnings.push(line),
  });
});

afterEach(() => {
  setLogger(undefined);
  rmSync(folder, { recursive: true, force: true });
});

function promptFile(name: string, text: string): string {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
}

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
    expect(warnings).toEqual([]);
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
    expect(warnings).toEqual([]);
  });

  it('falls back to the default prompt, with one warning, when the file is missing', () => {
    const path = join(folder, 'missing.md');

    expect(buildSystemPrompt([add], 'json', path)).toBe(buildSystemPrompt([add], 'json', undefined));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('does not exist');
  });

  it('warns when a JSON-protocol prompt has no {tools} placeholder, but not for the native protocol', () => {
    const path = promptFile('bare.txt', 'Answer in JSON.');

    expect(buildSystemPrompt([add], 'json', path)).toBe('Answer in JSON.');
    expect(warnings).toEqual([expect.stringContaining('has no {tools} placeholder') as unknown]);
    warnings.length = 0;
    expect(buildSystemPrompt([add], 'native', path)).toBe('Answer in JSON.');
    expect(warnings).toEqual([]);
  });
});
