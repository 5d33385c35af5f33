import { seededRandom, streamSplits } from '@tinyagent/testing';
import { describe, expect, it } from 'vitest';
import { createJsonAnswerDecoder } from './json-answer-decoder.ts';
import { readJsonReply } from './json-reply.ts';

// The answer text the protocol's parser takes from a whole reply; '' when it takes none as text.
function parsedAnswer(reply: string): string {
  const action = readJsonReply(reply);
  return action.kind === 'answer' && typeof action.answer === 'string' ? action.answer : '';
}

function decodeChunks(chunks: readonly string[]): { text: string; deltas: string[] } {
  const decoder = createJsonAnswerDecoder();
  const deltas = chunks.map((chunk) => decoder.push(chunk));
  return { text: deltas.join(''), deltas };
}

// JSON text of `text` with characters escaped at random in every way JSON allows.
function encodeString(text: string, random: () => number): string {
  let encoded = '"';
  for (const character of text.split('')) {
    const code = character.charCodeAt(0);
    const short = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' }[
      character
    ];
    const unicode = `\\u${code.toString(16).padStart(4, '0')}`;
    if (short !== undefined || code < 0x20) encoded += random() < 0.5 && short !== undefined ? short : unicode;
    else if (character === '/' && random() < 0.5) encoded += '\\/';
    else if (random() < 0.1) encoded += random() < 0.5 ? unicode : unicode.toUpperCase().replace('\\U', '\\u');
    else encoded += character;
  }
  return `${encoded}"`;
}

const ALPHABET = [
  'a',
  'Z',
  ' ',
  '"',
  '\\',
  '/',
  '\n',
  '\t',
  '\u0001',
  '{',
  '}',
  '[',
  ']',
  ':',
  ',',
  'é',
  '😀',
  '\ud800',
  '\udc00',
];

function randomText(random: () => number, length: number): string {
  return Array.from({ length }, () => ALPHABET[Math.floor(random() * ALPHABET.length)]).join('');
}

function randomReply(random: () => number): string {
  const answer = encodeString(randomText(random, Math.floor(random() * 24)), random);
  const scratchpad = encodeString(randomText(random, Math.floor(random() * 8)), random);
  const entries = [`"scratchpad" : ${scratchpad}`, `"answer":${answer}`];
  if (random() < 0.3) entries.push('"arguments": {"answer": "nested", "list": [1, -2.5e3, true, null, {}]}');
  if (random() < 0.5) entries.reverse();
  const object = `{${entries.join(random() < 0.5 ? ', ' : ',\n  ')}}`;
  const wrappers = [object, `\`\`\`json\n${object}\n\`\`\``, `Here it is {not json}:\n${object}\nDone.`];
  return wrappers[Math.floor(random() * wrappers.length)] ?? object;
}

const REPLIES = [
  '{"scratchpad": "I know it now.", "answer": "Sunny, 21 °C."}',
  '```json\n{"scratchpad": "done", "answer": "Line one\\nLine \\"two\\" \\\\ end"}\n```',
  'Sure! Here is my reply:\n{"answer": "caf\\u00e9 \\ud83d\\ude00 \\uD83D\\uDE00 😀"}\nHope that helps.',
  '{"scratchpad": "s", "tool": "search", "arguments": {"answer": "not this", "query": "x"}}',
  '{"scratchpad": "s", "tool": "search", "arguments": {}, "answer": null}',
  '{"tool": "search", "arguments": {"q": 1}, "answer": "an answer wins over a tool"}',
  '{"answer": 42}',
  '{"answer": {"text": "an object"}}',
  '{"answers": "no", "Answer": "no", "answe": "no", "\\u0061nswer": "escaped key"}',
  '{ "answer"\n\t:\r\n "spaces around the colon" }',
  '{"list": [{"answer": "nested in an array"}, [[]]], "answer": "top level"}',
  '{"n": -0.5e+10, "m": 0, "t": true, "f": false, "z": null, "e": "", "answer": "after every kind of value"}',
  'I use {braces} in prose. {"answer": "then the object"}',
  '{"scratchpad": \'single\'} {"answer": "the second object"}',
  '{{"answer": "behind a stray brace"}}',
  '{"tool": "grade", "arguments": {"answer": "an argument, not the answer"},}',
  '{"answer": "", "answer": "the last of duplicate keys"}',
  '{"answer": ""}',
  'no JSON at all',
  `${'{'.repeat(33)} {"answer": "behind too many braces"}`,
  `${'{x'.repeat(31)} {"answer": "behind 31 braces"}`,
  `{"deep": ${'['.repeat(300)}"x"${']'.repeat(300)}, "answer": "after a deep value"}`,
  '{"answer": "a lone \\ud800 surrogate, and one at the end \\ud83d"}',
];

describe('createJsonAnswerDecoder', () => {
  it.each(REPLIES)('yields what the parser reads, however the reply is split: %s', (reply) => {
    const expected = parsedAnswer(reply);
    const random = seededRandom(reply.length);
    // One assertion per reply: a message built for each of its thousands of splits would cost more
    // than the splits themselves.
    const differing = streamSplits(reply, random).find((chunks) => decodeChunks(chunks).text !== expected);
    expect(differing, 'the first split that reads otherwise').toBeUndefined();
  });

  it('yields what the parser reads for generated replies, however they are split', () => {
    const random = seededRandom(16);
    for (let index = 0; index < 150; index += 1) {
      const reply = randomReply(random);
      const expected = parsedAnswer(reply);
      // One assertion per reply: a message built for each of its thousands of splits would cost more
      // than the splits themselves.
      const differing = streamSplits(reply, random).find((chunks) => decodeChunks(chunks).text !== expected);
      expect(differing, 'the first split that reads otherwise').toBeUndefined();
    }
    // Hundreds of replies, each split thousands of ways: seconds on a busy machine.
  }, 30_000);

  it('yields the answer as it arrives, never the JSON around it', () => {
    const { deltas } = decodeChunks(['```json\n{"scratchpad": "x", "ans', 'wer": "Hel', 'lo\\', 'n wor', 'ld"}\n```']);
    expect(deltas).toEqual(['', 'Hel', 'lo', '\n wor', 'ld']);
  });

  it('never splits a surrogate pair between two deltas', () => {
    const { deltas } = decodeChunks(['{"answer": "a\\ud83d', '\\ude00b', '😀'.slice(0, 1), '😀'.slice(1), '"}']);
    expect(deltas).toEqual(['a', '😀b', '', '😀', '']);
  });

  it('yields nothing for a tool call, even with an answer key in its arguments', () => {
    const { text } = decodeChunks(['{"tool": "search", "arguments": {"answer": "no"}}', ' {"answer": "later"}']);
    expect(text).toBe('');
  });

  it.each([
    ['a reply cut off inside the answer', '{"answer": "cut off'],
    ['an error after the answer', '{"answer": "x", "n": 01}'],
  ])('yields provisional text that the parser rejects for %s', (_case, reply) => {
    expect(parsedAnswer(reply)).toBe('');
    expect(decodeChunks([reply]).text).not.toBe('');
  });

  it('stops yielding when the object it was reading turns out malformed', () => {
    // The parser then takes the second object; the first answer was already yielded.
    const reply = '{"answer": "draft", oops} {"answer": "final"}';
    expect(parsedAnswer(reply)).toBe('final');
    expect(decodeChunks([reply]).text).toBe('draft');
  });

  it('does not read objects nested in one that turned out malformed, as the parser does not', () => {
    const reply = '{"scratchpad": {"answer": "nested"} oops}';
    expect(parsedAnswer(reply)).toBe('');
    expect(decodeChunks([reply]).text).toBe('');
  });

  it('stops yielding at a second answer key after a non-empty answer', () => {
    expect(parsedAnswer('{"answer": "first", "answer": "second"}')).toBe('second');
    expect(decodeChunks(['{"answer": "first", "answer": "second"}']).text).toBe('first');
  });

  it('reads a long answer in one-character pieces', () => {
    const answer = 'word \\n \\u00e9 '.repeat(20_000);
    const decoder = createJsonAnswerDecoder();
    let text = decoder.push('{"answer": "');
    for (const character of answer) text += decoder.push(character);
    text += decoder.push('"}');
    expect(text).toBe(parsedAnswer(`{"answer": "${answer}"}`));
  });
});
