import { describe, expect, it } from 'vitest';
import { htmlToPlainText } from './html-text.ts';
import { markdownToPlainText } from './plain-text.ts';

// The scorer folds every run of whitespace into one space, so the tests compare what it compares.
const folded = (text: string): string => text.split(/\s+/).join(' ').trim();

describe('markdownToPlainText', () => {
  it('drops heading, list, quote and emphasis marks so a sentence reads as on the page', () => {
    const markdown = '## A title\n\n- one **bold** word\n12. _two_ `code`\n> quoted ~~old~~ text';
    expect(markdownToPlainText(markdown)).toBe('A title\n\none bold word\ntwo code\nquoted old text');
  });

  it('unescapes backslash escapes and keeps a lone tilde', () => {
    expect(markdownToPlainText('snake\\_case \\[1\\] costs \\*~5 \\# 2\\. end')).toBe(
      'snake_case [1] costs *~5 # 2. end',
    );
  });

  it('turns table rows into their cells and drops the separator row', () => {
    expect(folded(markdownToPlainText('| a | b |\n| --- | :-: |\n| c \\| d | e |'))).toBe('a b c | d e');
  });

  it('keeps code block lines as written and drops the fences', () => {
    expect(markdownToPlainText('```\nlet a_b = *c;\n```\nafter')).toBe('let a_b = *c;\nafter');
  });
});

describe('htmlToPlainText', () => {
  it('puts blocks on lines of their own and leaves scripts out', () => {
    const text = htmlToPlainText('<p>One <b>two</b></p><script>x()</script><ul><li>three</li></ul>');
    expect(
      text
        .trim()
        .split('\n')
        .filter((line) => line !== ''),
    ).toEqual(['One two', 'three']);
  });
});
