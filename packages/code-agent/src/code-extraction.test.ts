import { describe, expect, it } from 'vitest';
import { extractCode } from './code-extraction.ts';

describe('extractCode', () => {
  it('takes the first js, ts or untagged fenced block and skips other languages', () => {
    const reply = 'Plan:\n```python\nprint(1)\n```\n```js\nconsole.log(1)\n```\n```js\nconsole.log(2)\n```';

    expect(extractCode(reply)).toEqual({ code: 'console.log(1)', typescript: false });
    expect(extractCode('```\nx = 1\n```')).toEqual({ code: 'x = 1', typescript: false });
    expect(extractCode('```TypeScript\nconst a: number = 1\n```')).toEqual({
      code: 'const a: number = 1',
      typescript: true,
    });
    expect(extractCode('```javascript title="x"\nlet a\n```')?.code).toBe('let a');
  });

  it('handles indented fences, keeping the code’s own indentation', () => {
    const reply = '1. Run this:\n\n   ```js\n   if (x) {\n     go()\n   }\n   ```';

    expect(extractCode(reply)?.code).toBe('if (x) {\n  go()\n}');
  });

  it('reads <code> tags when there is no fence', () => {
    expect(extractCode('Here: <code>final_answer(a &lt; b)</code>')?.code).toBe('final_answer(a < b)');
  });

  it('removes a partial stop sequence or closing fence left at the end', () => {
    expect(extractCode('```js\nconsole.log(1)\nObservation')?.code).toBe('console.log(1)');
    expect(extractCode('```js\nconsole.log(1)\n``')?.code).toBe('console.log(1)');
    expect(extractCode('```js\nconst Obs = 1\nObs\n```')?.code).toBe('const Obs = 1\nObs');
  });

  it('finds no code in plain text or empty blocks', () => {
    expect(extractCode('The answer is 4.')).toBeUndefined();
    expect(extractCode('```js\n\n```')).toBeUndefined();
    expect(extractCode('```json\n{"a": 1}\n```')).toBeUndefined();
  });
});
