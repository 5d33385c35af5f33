import { describe, expect, it } from 'vitest';
import { splitThinking } from './reply-content.ts';
import { ThinkSplitter } from './think-splitter.ts';

// The text and reasoning a splitter sends for `content` cut into pieces of `size` characters.
function split(content: string, size: number): { text: string; reasoning: string; pieces: number } {
  const sent = { text: '', reasoning: '', pieces: 0 };
  const splitter = new ThinkSplitter((kind, piece) => {
    sent[kind] += piece;
    sent.pieces += 1;
  });
  for (let start = 0; start < content.length; start += size) splitter.push(content.slice(start, start + size));
  splitter.end();
  return sent;
}

const REPLIES = [
  'Plain answer.',
  '<think>Paris is in France.</think>\n\nIt is Paris.',
  '  \n<think>\nhmm\n</think>Answer',
  '<think>cut off in the middle',
  '<thinking> is not the tag',
  '<thi',
  'ends with </think> but never opened',
  '<think>a < b and </thin k></think>done',
  '',
];

describe('ThinkSplitter', () => {
  it.each(REPLIES)('splits %j as the whole reply is split, at every piece size', (content) => {
    const whole = splitThinking(content);
    for (let size = 1; size <= content.length + 1; size += 1) {
      const sent = split(content, size);
      expect(sent.text.trim()).toBe(whole.content.trim());
      expect(sent.reasoning.trim()).toBe(whole.reasoning ?? '');
    }
  });

  it('sends the answer as it comes once the thinking has ended', () => {
    const pieces: [string, string][] = [];
    const splitter = new ThinkSplitter((kind, text) => pieces.push([kind, text]));

    for (const piece of ['<think>', 'a', 'b</th', 'ink> ', 'The', ' answer']) splitter.push(piece);

    expect(pieces).toEqual([
      ['reasoning', 'a'],
      ['reasoning', 'b'],
      ['text', 'The'],
      ['text', ' answer'],
    ]);
  });

  it('holds no more than a bounded run of leading white space', () => {
    const pieces: string[] = [];
    const splitter = new ThinkSplitter((_kind, text) => pieces.push(text));

    for (let index = 0; index < 1000; index += 1) splitter.push(' ');

    expect(pieces.join('').length).toBeGreaterThan(1000 - 300);
  });
});
