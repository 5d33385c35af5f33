import { seededRandom, streamSplits } from '@tinyagent/testing';
import { describe, expect, it } from 'vitest';
import { extractCode } from '../code-extraction.ts';
import { createCodeStreamExtractor } from './code-stream-extractor.ts';

function extractChunks(chunks: readonly string[]): { text: string; deltas: string[] } {
  const extractor = createCodeStreamExtractor();
  const deltas = chunks.map((chunk) => extractor.push(chunk));
  deltas.push(extractor.end());
  return { text: deltas.join(''), deltas };
}

// Lines a reply is made of in the generated cases: fences of every kind, code, lines a cut-off reply
// ends with, blank and indented lines, prose and `<code>` elements.
const LINES = [
  '```js',
  '```',
  '```ts',
  '```python',
  '```JavaScript extra',
  '````',
  '~~~',
  '~~~tsx',
  '```js `x`',
  '  ```js',
  '\t```',
  '``',
  '`',
  '~~',
  'Obs',
  'Observation:',
  'Ob',
  'O',
  'const a = 1;',
  '  indented();',
  '\tx = `t`;',
  '',
  '   ',
  ' \u00a0',
  'Some prose.',
  '<code>a &lt; b</code>',
  '<CODE class="x">',
  '</code>',
  'Observation: 3',
  '   ```   ',
  '``` ```',
  '~~~~~~',
  'end &amp; more',
];
const LINE_ENDS = ['\n', '\n', '\n', '\r\n', '\r'];

function randomReply(random: () => number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const count = 1 + Math.floor(random() * 9);
  let reply = '';
  for (let index = 0; index < count; index += 1) reply += pick(LINES) + (index < count - 1 ? pick(LINE_ENDS) : '');
  return random() < 0.3 ? reply + pick(LINE_ENDS) : reply;
}

const REPLIES = [
  '```js\nconsole.log(1)\n```',
  'I will add the numbers.\n```javascript\nconst sum = add({ a: 1, b: 2 });\nfinal_answer(sum);\n```\nThat should work.',
  '```python\nprint(1)\n```\n```ts\nconst x: number = 1;\n```',
  '```js\r\nfoo();\r\nbar();\r\n```\r\n',
  '```js\rfoo();\rbar();\r```',
  '1. Step one\n   ```js\n   const a = 1;\n     nested();\n  less();\n   ```\n',
  '~~~javascript\ncode();\n~~~',
  '````js\nconst s = `x`;\n```\nstill code();\n````\nafter',
  '```js\nfoo();\nObserv',
  '```js\nfoo();\n``',
  '```js\nfoo();\nOb',
  '```js\nfoo();\n  \n\n',
  '```js\nfoo();\n``\nObs',
  '```js\nObservation: 3\nfoo();\n```',
  '```js\n\n```\n```js\nbar();\n```',
  '```js\n   \n```\n<code>x &lt; 1 &amp;&amp; y</code>',
  'Use <CODE class="a">a &amp;&amp; b</code> here.',
  '<code>unclosed &quot;element',
  '<codex>no</codex> <code>yes()</code>',
  '<code attr no closing bracket',
  '<code>not this</code>\n```js\nthis();\n```',
  '```js `x`\nnot a fence\n```\ncode();\n```',
  '```js\n\n\n  a();\n\n```',
  '```js\na();   \n   \n```',
  '```js\na();\n   ```   \nafter',
  '```js\na();\u00a0\n\u00a0```',
  '```JS\nupper();\n```',
  '\t```js\n\t\tdeeper();\n\t```',
  '```js\nfoo();\n```js',
  '```js',
  '',
  'no code at all',
];

describe('createCodeStreamExtractor', () => {
  it.each(REPLIES)('yields what extractCode takes, however the reply is split: %j', (reply) => {
    const expected = extractCode(reply)?.code ?? '';
    const random = seededRandom(reply.length);
    // One assertion per reply: a message built for each of its thousands of splits would cost more
    // than the splits themselves.
    const differing = streamSplits(reply, random).find((chunks) => extractChunks(chunks).text !== expected);
    expect(differing, 'the first split that reads otherwise').toBeUndefined();
  });

  it('yields what extractCode takes for generated replies, however they are split', () => {
    const random = seededRandom(16);
    for (let index = 0; index < 400; index += 1) {
      const reply = randomReply(random);
      const expected = extractCode(reply)?.code ?? '';
      // One assertion per reply: a message built for each of its thousands of splits would cost more
      // than the splits themselves.
      const differing = streamSplits(reply, random).find((chunks) => extractChunks(chunks).text !== expected);
      expect(differing, 'the first split that reads otherwise').toBeUndefined();
    }
    // Hundreds of replies, each split thousands of ways: seconds on a busy machine.
  }, 30_000);

  it('yields code as it is written, never the fence lines', () => {
    const { deltas } = extractChunks(['Here:\n``', '`js\ncon', 'st a = 1;\nfinal_answer(a)', ';\n`', '``\nDone.']);
    expect(deltas).toEqual(['', 'con', 'st a = 1;\nfinal_answer(a)', ';', '', '']);
  });

  it('holds back a last line that may be a cut-off stop sequence until the line after it', () => {
    const extractor = createCodeStreamExtractor();
    expect(extractor.push('```js\nfoo();\nObse')).toBe('foo();');
    expect(extractor.push('rved();\n')).toBe('\nObserved();');
  });

  it('yields nothing of a block in another language', () => {
    expect(extractChunks(['```python\nprint(1)\n```\nDone.']).text).toBe('');
  });

  it('reads a long block in one-character pieces', () => {
    const body = 'let total = 0;\n  total += 1; // `x` ~ y\n'.repeat(5_000);
    const reply = `\`\`\`js\n${body}\`\`\``;
    const extractor = createCodeStreamExtractor();
    let text = '';
    for (const character of reply) text += extractor.push(character);
    text += extractor.end();
    expect(text).toBe(extractCode(reply)?.code);
  });
});
