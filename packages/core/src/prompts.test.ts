import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PromptFileError } from './errors.ts';
import { setLogger } from './logger.ts';
import type { Logger } from './logger.ts';
import { getPromptFallback, loadPromptFromFile, renderPrompt } from './prompts.ts';

let directory: string;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'tinyagent-prompts-'));
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

function writePrompt(name: string, content: string | Uint8Array): string {
  const path = join(directory, name);
  writeFileSync(path, content);
  return path;
}

function loadError(path: string): PromptFileError {
  try {
    loadPromptFromFile(path);
  } catch (error) {
    expect(PromptFileError.isInstance(error)).toBe(true);
    return error as PromptFileError;
  }
  return expect.unreachable(`expected ${path} to fail to load`);
}

describe('loadPromptFromFile', () => {
  it.each(['system.txt', 'system.md', 'system.prompt', 'system.xml', 'SYSTEM.TXT', 'system.Md'])(
    'reads a %s file',
    (name) => {
      const path = writePrompt(name, `You are helpful (${name}).`);

      expect(loadPromptFromFile(path)).toBe(`You are helpful (${name}).`);
    },
  );

  it('strips a leading byte order mark', () => {
    const path = writePrompt('bom.txt', '\uFEFFHello {tools}');

    expect(loadPromptFromFile(path)).toBe('Hello {tools}');
  });

  it('reports a missing file with its path', () => {
    const path = join(directory, 'missing.md');
    const error = loadError(path);

    expect(error.path).toBe(path);
    expect(error.message).toBe(`Prompt file ${path} does not exist.`);
  });

  it('reports a directory, asking for a file inside it', () => {
    const path = join(directory, 'prompts.md');
    mkdirSync(path);
    const error = loadError(path);

    expect(error.path).toBe(path);
    expect(error.message).toContain('is a directory');
  });

  it('refuses another extension, listing the accepted ones', () => {
    const path = writePrompt('system.json', '{}');
    const error = loadError(path);

    expect(error.path).toBe(path);
    expect(error.message).toContain("the extension '.json'");
    expect(error.message).toContain('.txt, .md, .prompt, .xml');
  });

  it('refuses a file without extension', () => {
    const path = writePrompt('system', 'text');

    expect(loadError(path).message).toContain('has no extension');
  });

  it('refuses bytes that are not UTF-8, asking to save the file as UTF-8', () => {
    const path = writePrompt('latin1.txt', new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x21]));
    const error = loadError(path);

    expect(error.path).toBe(path);
    expect(error.message).toContain('is not valid UTF-8 text; save it as UTF-8');
  });
});

describe('getPromptFallback', () => {
  const warnings: string[] = [];
  const recorder: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (message) => warnings.push(message),
    error: () => undefined,
  };

  afterEach(() => {
    setLogger(undefined);
    warnings.length = 0;
  });

  it('returns the default without a path, silently', () => {
    setLogger(recorder);

    expect(getPromptFallback('default prompt')).toBe('default prompt');
    expect(getPromptFallback('default prompt', '')).toBe('default prompt');
    expect(warnings).toEqual([]);
  });

  it("returns a good file's content", () => {
    setLogger(recorder);
    const path = writePrompt('good.md', 'Custom prompt');

    expect(getPromptFallback('default prompt', path)).toBe('Custom prompt');
    expect(warnings).toEqual([]);
  });

  it.each([
    ['empty', ''],
    ['blank', '  \n\t '],
  ])('falls back to the default for an %s file with one warning', (kind, content) => {
    setLogger(recorder);
    const path = writePrompt(`${kind}.txt`, content);

    expect(getPromptFallback('default prompt', path)).toBe('default prompt');
    expect(warnings).toEqual([`Prompt file ${path} is empty; using the default prompt.`]);
  });

  it('falls back to the default for a file that fails to load, with one warning saying why', () => {
    setLogger(recorder);
    const path = join(directory, 'absent.prompt');

    expect(getPromptFallback('default prompt', path)).toBe('default prompt');
    expect(warnings).toEqual([`Prompt file ${path} does not exist. Using the default prompt.`]);
  });
});

describe('renderPrompt', () => {
  it('fills every known placeholder', () => {
    expect(renderPrompt('Tools:\n{tools}\nAgain: {tools}', { tools: 'search, fetch' })).toBe(
      'Tools:\nsearch, fetch\nAgain: search, fetch',
    );
  });

  it('leaves JSON braces, unknown placeholders and inherited names untouched', () => {
    const template = 'Reply as {"answer": 1} or {\n  "a": {} }; {other} {constructor} {toString}';

    expect(renderPrompt(template, { tools: 'search' })).toBe(template);
  });

  it('inserts replacement values literally, without $ patterns', () => {
    expect(renderPrompt('Use {tools}.', { tools: "costs $& or $1 or $$ or $' or $`" })).toBe(
      "Use costs $& or $1 or $$ or $' or $`.",
    );
  });
});
