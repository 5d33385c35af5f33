import { describe, expect, it } from 'vitest';
import { finishContent, readContent, splitThinking } from './reply-content.ts';

describe('readContent', () => {
  it('joins text parts and keeps thinking parts apart', () => {
    const parts = [
      {
        type: 'thinking',
        thinking: [
          { type: 'text', text: 'first ' },
          { type: 'text', text: 'second' },
        ],
      },
      { type: 'text', text: 'The answer ' },
      { type: 'image_url', image_url: { url: 'data:…' } },
      { type: 'text', text: 'is 391.' },
    ];

    expect(readContent(parts)).toEqual({ text: 'The answer is 391.', reasoning: 'first second' });
  });

  it('reads no text from a value that is neither a string nor a part list', () => {
    expect(readContent(42)).toEqual({ text: undefined, reasoning: '' });
    expect(readContent(null)).toEqual({ text: undefined, reasoning: '' });
  });
});

describe('splitThinking', () => {
  it('splits think tags at the start from the answer', () => {
    expect(splitThinking('\n <think>\nstep one\n</think>\n\nThe answer.')).toEqual({
      content: 'The answer.',
      reasoning: 'step one',
    });
  });

  it('leaves think tags later in the text as they are', () => {
    expect(splitThinking('Use <think> tags.')).toEqual({ content: 'Use <think> tags.', reasoning: undefined });
  });

  it('takes a reply cut off inside the thinking as all reasoning', () => {
    expect(splitThinking('<think>still going')).toEqual({ content: '', reasoning: 'still going' });
  });

  it('scans a large hostile reply once', () => {
    const hostile = `${' '.repeat(200_000)}<think>${'<think>'.repeat(50_000)}`;

    expect(splitThinking(hostile).content).toBe('');
  });
});

describe('finishContent', () => {
  it('joins the reasoning of every source and keeps null content null', () => {
    expect(finishContent(undefined, ['from a field', ''])).toEqual({ content: null, reasoning: 'from a field' });
    expect(finishContent('<think>a</think>b', ['c'])).toEqual({ content: 'b', reasoning: 'c\na' });
  });
});
