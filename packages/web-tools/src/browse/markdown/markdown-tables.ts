import type TurndownService from 'turndown';
import { trimCharacters } from './trim.ts';

// GFM tables written from the DOM's own structure. The GFM plugin reads `HTMLTableElement.rows`,
// which linkedom does not implement, so with it every table came out as run-together cell text.
// Layout tables (a table holding tables, or a single row) are unwrapped into paragraphs instead.

// What the GFM plugin would keep as raw HTML inside a table cell; for a model, a markdown table
// with `<br>` in its cells reads better than kilobytes of markup.
const CELL_BLOCKS = 'ul, ol, h1, h2, h3, h4, h5, h6, hr, blockquote, pre';

/** A turndown plugin that converts data tables to GFM tables and unwraps layout tables. */
export function gfmTables(turndown: TurndownService): void {
  turndown.addRule('table-cell', {
    filter: ['th', 'td'],
    replacement: (content, node) => {
      const table = owningTable(node);
      if (table === null || shapeOf(table).layout) return `\n\n${content}\n\n`;
      // Split and trimmed rather than `/ *\n+ */g`, which is tried at every position of a run of spaces.
      const text = content
        .trim()
        .split(/\n+/)
        .map((line) => trimCharacters(line, ' '))
        .join('<br>')
        .replace(/\|/g, '\\|');
      const span = columnSpan(node);
      const prefix = node.previousElementSibling === null ? '| ' : ' ';
      return `${prefix}${text === '' ? ' ' : text} |${'  |'.repeat(span - 1)}`;
    },
  });
  turndown.addRule('table-row', {
    filter: 'tr',
    replacement: (content, node) => {
      const table = owningTable(node);
      if (table === null || shapeOf(table).layout) return content;
      const separator = isHeaderRow(node, table) ? `\n${'| --- '.repeat(shapeOf(table).columns)}|` : '';
      return `\n${content}${separator}`;
    },
  });
  turndown.addRule('table-section', { filter: ['thead', 'tbody', 'tfoot'], replacement: (content) => content });
  turndown.addRule('table-caption', { filter: ['caption', 'colgroup', 'col'], replacement: () => '' });
  turndown.addRule('table', {
    filter: 'table',
    replacement: (content, node) => {
      const shape = shapeOf(node);
      if (shape.layout) return `\n\n${content}\n\n`;
      const caption = node.querySelector('caption')?.textContent.trim() ?? '';
      const rows = content.replace(/\n+/g, '\n').trim();
      const first = shape.rows[0];
      // GFM needs a header row: a table without one gets an empty header.
      const header =
        first !== undefined && isHeaderRow(first, node)
          ? ''
          : `${'|  '.repeat(shape.columns)}|\n${'| --- '.repeat(shape.columns)}|\n`;
      return `\n\n${caption === '' ? '' : `${caption}\n\n`}${header}${rows}\n\n`;
    },
  });
}

/**
 * Rewrites block elements inside table cells into inline markup (list items become lines, headings
 * bold text, code blocks inline code), so that the table stays a GFM table.
 */
export function flattenTableCells(root: HTMLElement): void {
  // Innermost first, so that a list nested in a list is already a line of text when its parent is rewritten.
  for (const block of [...root.querySelectorAll(CELL_BLOCKS)].reverse()) {
    const table = block.closest('td, th')?.closest('table');
    if (table === null || table === undefined || shapeOf(table).layout) continue;
    const owner = block.ownerDocument;
    const replacement = owner.createElement(block.nodeName === 'PRE' ? 'code' : 'span');
    if (block.nodeName === 'UL' || block.nodeName === 'OL') {
      for (const item of [...block.children]) {
        if (replacement.childNodes.length > 0) replacement.appendChild(owner.createElement('br'));
        replacement.appendChild(owner.createTextNode('• '));
        while (item.firstChild !== null) replacement.appendChild(item.firstChild);
      }
    } else if (block.nodeName === 'PRE') {
      replacement.textContent = block.textContent;
    } else if (block.nodeName !== 'HR') {
      const holder = block.nodeName.startsWith('H') ? owner.createElement('strong') : replacement;
      while (block.firstChild !== null) holder.appendChild(block.firstChild);
      if (holder !== replacement) replacement.appendChild(holder);
    }
    block.replaceWith(replacement);
  }
}

interface TableShape {
  rows: Element[];
  columns: number;
  /** A table holding tables, or a single row: page layout, not data. */
  layout: boolean;
}

// Every cell asks about its table: computed once per table, or large tables would cost rows².
const shapes = new WeakMap<Element, TableShape>();

function shapeOf(table: Element): TableShape {
  let shape = shapes.get(table);
  if (shape === undefined) {
    const rows = [...table.querySelectorAll('tr')].filter((row) => owningTable(row) === table);
    // A loop, not Math.max(...widths): a spread of a hundred thousand rows overflows the stack.
    const columns = rows.reduce((widest, row) => Math.max(widest, rowWidth(row)), 1);
    // A data table has a header and at least one row; a single row is a page laid out in columns.
    const layout = table.querySelector('table') !== null || rows.length <= 1;
    shape = { rows, columns, layout };
    shapes.set(table, shape);
  }
  return shape;
}

// As browsers read it (the HTML standard's table model): a leading integer, 0 or none is 1, and
// anything above 1000 is 1000. Unclamped, one colspan="999999999" failed the whole page with
// "Invalid string length", and colspan="1000000" made a 9 MB table of a 2 KB page.
const MAX_COLSPAN = 1000;

function columnSpan(cell: Element): number {
  const span = Number.parseInt(cell.getAttribute('colspan') ?? '1', 10);
  return Number.isNaN(span) || span < 1 ? 1 : Math.min(span, MAX_COLSPAN);
}

function rowWidth(row: Element): number {
  return cellsOf(row).reduce((sum, cell) => sum + columnSpan(cell), 0);
}

function owningTable(node: Element): Element | null {
  return node.parentElement?.closest('table') ?? null;
}

function cellsOf(row: Element): Element[] {
  return [...row.children].filter((cell) => cell.nodeName === 'TD' || cell.nodeName === 'TH');
}

function isHeaderRow(row: Element, table: Element): boolean {
  if (row.parentElement?.nodeName === 'THEAD') return true;
  const cells = cellsOf(row);
  return shapeOf(table).rows[0] === row && cells.length > 0 && cells.every((cell) => cell.nodeName === 'TH');
}
