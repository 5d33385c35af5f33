import { describe, expect, it } from 'vitest';
import { prepareCode } from './code-transform.ts';

const prepare = (code: string, typescript = false) => prepareCode(code, { typescript, importHint: 'Use the tools.' });

describe('prepareCode', () => {
  it('turns top-level declarations into globals and returns the last expression, on the same lines', () => {
    const prepared = prepare('const a = 1, { b } = o;\nfunction f() {}\nclass C {}\na + b');

    expect(prepared).toEqual({
      ok: true,
      script:
        'var a, b, C; (async () => { this.f = f; void ( a = 1, ({ b } = o));\nfunction f() {}\nC = class C {};\nreturn (a + b)\n})()',
    });
  });

  it('leaves nested declarations alone', () => {
    const prepared = prepare('for (const x of [1]) { let y = x }\nif (true) { const z = 1 }');

    expect(prepared.ok && prepared.script).toBe(
      '(async () => { for (const x of [1]) { let y = x }\nif (true) { const z = 1 }\n})()',
    );
  });

  it('reports syntax errors with their line', () => {
    expect(prepare('let a = 1;\nlet b = ;')).toEqual({
      ok: false,
      error: { name: 'SyntaxError', message: 'Unexpected token', line: 2 },
    });
  });

  it('reports import and export statements as unavailable', () => {
    const prepared = prepare('const a = 1;\nimport fs from "node:fs";');

    expect(prepared).toEqual({
      ok: false,
      error: {
        name: 'ImportError',
        message: 'import statements are not available: the sandbox has no modules. Use the tools.',
        line: 2,
      },
    });
  });

  it('strips TypeScript types without moving lines', () => {
    const prepared = prepare('type N = number;\nconst n: N = 1;\nn as N', true);

    expect(prepared.ok && prepared.script.split('\n').length).toBe(4);
    expect(prepared.ok && prepared.script).toContain('return (n)');
  });
});
