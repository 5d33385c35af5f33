import { describe, expect, it } from 'vitest';
import { takeWindow } from './page-window.ts';

describe('takeWindow', () => {
  it('returns a text that fits whole', () => {
    expect(takeWindow('short text', 0, 100)).toEqual({ text: 'short text', start: 0, end: 10, total: 10 });
  });

  it('cuts at the last blank line inside the window, and the next part starts at the next block', () => {
    const text = `${'a'.repeat(60)}\n\n${'b'.repeat(30)}\n\n${'c'.repeat(60)}`;
    const first = takeWindow(text, 0, 100);
    expect(first.text).toBe(`${'a'.repeat(60)}\n\n${'b'.repeat(30)}`);
    expect(text.slice(first.end)).toBe('c'.repeat(60));
    expect(takeWindow(text, first.end, 100).text).toBe('c'.repeat(60));
  });

  it('falls back to a line break, then a space, then a hard cut', () => {
    expect(takeWindow(`${'a'.repeat(70)}\n${'b'.repeat(70)}`, 0, 100).text).toBe('a'.repeat(70));
    expect(takeWindow(`${'a'.repeat(70)} ${'b'.repeat(70)}`, 0, 100).text).toBe('a'.repeat(70));
    expect(takeWindow('x'.repeat(250), 0, 100).text).toBe('x'.repeat(100));
  });

  it('does not cut so early that most of the window is wasted', () => {
    const text = `${'a'.repeat(10)}\n\n${'b'.repeat(200)}`;
    expect(takeWindow(text, 0, 100).text).toHaveLength(100);
  });

  it('never splits a surrogate pair on a hard cut', () => {
    const text = `${'x'.repeat(99)}😀${'y'.repeat(100)}`;
    const window = takeWindow(text, 0, 100);
    expect(window.text).toBe('x'.repeat(99));
    expect(text.slice(window.end).startsWith('😀')).toBe(true);
  });

  it('keeps the indentation of a code line that starts the next part', () => {
    const text = `${'a'.repeat(80)}\n    indented ${'b'.repeat(40)}`;
    const first = takeWindow(text, 0, 100);
    expect(text.slice(first.end).startsWith('    indented')).toBe(true);
  });

  it('refuses an offset at or past the end', () => {
    expect(() => takeWindow('abc', 3, 100)).toThrow(
      new RangeError('offset 3 is past the end of the page, which has 3 characters'),
    );
  });
});
