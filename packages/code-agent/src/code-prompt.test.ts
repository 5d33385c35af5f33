import { tool, z } from '@tinyagent/core';
import { captureLogs, tempFiles } from '@tinyagent/testing';
import type { LogCapture, TempFiles } from '@tinyagent/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderCodePrompt } from './code-prompt.ts';

const add = tool({
  name: 'add',
  description: 'Adds two numbers.',
  parameters: z.object({ a: z.number(), b: z.number() }),
  execute: ({ a, b }) => a + b,
});

let files: TempFiles;
let logs: LogCapture;

beforeEach(() => {
  files = tempFiles('code-agent-prompt-');
  logs = captureLogs();
});

afterEach(() => {
  logs.restore();
  files.remove();
});

const promptFile = (name: string, text: string): string => files.write(name, text);

describe('renderCodePrompt', () => {
  it('lists the tools in place of {tools}, without warnings', () => {
    const prompt = renderCodePrompt([add], { promptFile: promptFile('ok.md', 'Write JS.\n{tools}\n') });

    expect(prompt).toContain('function add(');
    expect(logs.warnings).toEqual([]);
  });

  it('warns when a prompt file has no {tools} placeholder, naming the file', () => {
    const path = promptFile('bare.txt', 'Write JS.');

    expect(renderCodePrompt([add], { promptFile: path })).toBe('Write JS.');
    expect(logs.warnings).toHaveLength(1);
    expect(logs.warnings[0]).toContain(`The prompt in ${path} has no {tools} placeholder`);
    expect(logs.warnings[0]).not.toContain('{helpers}');
  });

  it('tells the author of a 1.x prompt to rename {helpers} to {tools}', () => {
    renderCodePrompt([add], { promptFile: promptFile('old.txt', 'Helpers: {helpers}') });

    expect(logs.warnings).toEqual([
      expect.stringContaining('Rename the 1.x placeholder {helpers} to {tools}.') as unknown,
    ]);
  });
});
