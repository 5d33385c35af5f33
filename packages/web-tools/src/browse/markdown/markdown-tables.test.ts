import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { createMarkdownConverter } from './html-to-markdown.ts';
import { flattenTableCells } from './markdown-tables.ts';

const plain = createMarkdownConverter({ keepImages: false, keepLinks: false });

const story = `<p>${'Tide pools are rocky pools on the seashore, filled with seawater at low tide. '.repeat(8)}</p>`;

describe('gfmTables', () => {
  it('reads a colspan as browsers do, at most 1000 columns, so that a huge one neither fails nor floods the page', () => {
    const table = (span: string): string =>
      `<table><tr><th colspan="${span}">Species</th><th>Zone</th></tr><tr><td>Sea star</td><td>low</td></tr></table>`;
    const huge = plain(
      `<html><body><article>${story}${table('999999999')}${story}</article></body></html>`,
      'https://x.test/',
    );
    const clamped = plain(
      `<html><body><article>${story}${table('1000')}${story}</article></body></html>`,
      'https://x.test/',
    );

    expect(huge.markdown).toContain('| Species |');
    expect(huge.markdown).toContain('| Sea star | low |');
    expect(huge.markdown).toBe(clamped.markdown);
    expect(huge.markdown.length).toBeLessThan(20_000);
  });

  it('measures a table of a hundred thousand rows and more without overflowing the stack', () => {
    // 3.8 MB, within web_browse's default byte cap: Math.max(...widths) threw "Maximum call stack size exceeded".
    const rows = '<tr><td>1</td></tr>'.repeat(200_000);
    const { document } = parseHTML(
      `<html><body><table><tr><th>n</th></tr><tr><td><ul><li>first</li></ul></td></tr>${rows}</table></body></html>`,
    );

    flattenTableCells(document.body);

    expect(document.querySelector('td')?.innerHTML).toBe('<span>• first</span>');
  });
});
