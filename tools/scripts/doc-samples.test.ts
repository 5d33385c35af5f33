import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  checkSamples,
  documentName,
  extractSamples,
  extractShellCommands,
  listDocuments,
  unknownCommands,
} from './doc-samples.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const here = fileURLToPath(new URL('.', import.meta.url));

describe('documentation samples', () => {
  it('extracts ts blocks and joins continued ones', () => {
    const markdown =
      '```ts\nconst a = 1;\n```\ntext\n```ts continued\nconst b = a;\n```\n```sh\nls\n```\n```ts\nlet c;\n```\n';

    expect(extractSamples(markdown, 'x.md')).toEqual([
      { name: 'x.md#1', code: 'const a = 1;\n\nconst b = a;\n' },
      { name: 'x.md#2', code: 'let c;\n' },
    ]);
  });

  // Each check builds a TypeScript program over the workspace: seconds of work, more on a loaded machine.
  it('reports a sample that does not type-check, naming its place', { timeout: 60_000 }, () => {
    const errors = checkSamples(
      [{ name: 'bad.md#1', code: "const n: number = 'text';" }],
      here,
      `${root}/tsconfig.base.json`,
    );

    expect(errors).toEqual([
      expect.stringMatching(/^bad\.md#1 line 1: Type 'string' is not assignable to type 'number'/),
    ]);
  });

  it('type-checks every ts sample in the READMEs and docs/', { timeout: 60_000 }, () => {
    const samples = listDocuments(root).flatMap((path) =>
      extractSamples(readFileSync(path, 'utf8'), documentName(root, path)),
    );

    expect(samples.length).toBeGreaterThan(10);
    expect(checkSamples(samples, here, `${root}/tsconfig.base.json`)).toEqual([]);
  });

  it('reports, with strict options, what looser settings let through', { timeout: 60_000 }, () => {
    const sample = { name: 'loose.md#1', code: 'const options: { a?: string } = { a: undefined };' };

    expect(checkSamples([sample], here, `${root}/tsconfig.base.json`, { exactOptionalPropertyTypes: false })).toEqual(
      [],
    );
    expect(checkSamples([sample], here, `${root}/tsconfig.base.json`, { exactOptionalPropertyTypes: true })).toEqual([
      expect.stringMatching(/^loose\.md#1 line 1: /),
    ]);
  });

  it('names shell commands whose script or Nx target does not exist', () => {
    const commands = extractShellCommands(
      '```sh\n# set up\npnpm install && pnpm test\npnpm tset\npnpm nx run demo:start -- --json | jq .state\n' +
        'pnpm nx run demo:stop\npnpm nx test core\npnpm nx graph\n```\n',
    );

    expect(commands).toEqual([
      'pnpm install',
      'pnpm test',
      'pnpm tset',
      'pnpm nx run demo:start -- --json',
      'jq .state',
      'pnpm nx run demo:stop',
      'pnpm nx test core',
      'pnpm nx graph',
    ]);
    const targets = new Map([
      ['demo', new Set(['start'])],
      ['core', new Set(['test'])],
    ]);
    expect(unknownCommands(commands, { test: 'vitest run' }, targets)).toEqual([
      "no script 'tset' in package.json: pnpm tset",
      "no Nx target 'demo:stop': pnpm nx run demo:stop",
    ]);
  });
});
