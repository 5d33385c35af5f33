// Markdown tables for the bench's stdout and docs/benchmarks.md.

/** A cell: text as it is, numbers formatted with `digits` decimals, NaN and undefined as `–`. */
export type Cell = string | number | undefined;

/** A table: its title, column headings and rows (each as long as the headings). */
export interface Table {
  title: string;
  columns: readonly string[];
  rows: readonly (readonly Cell[])[];
  /** Lines printed under the table: what the numbers mean, targets and verdicts. */
  notes?: readonly string[];
}

// Numbers, ratios (`1.07×`) and the dash of a missing value are right-aligned.
const NUMERIC = /^(-?[\d.]+×?|–)$/;

/** Formats a number with a sensible precision for its size: 1234, 12.3, 1.23, 0.123. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '–';
  const magnitude = Math.abs(value);
  if (magnitude >= 100 || Number.isInteger(value)) return Math.round(value).toString();
  if (magnitude >= 10) return value.toFixed(1);
  if (magnitude >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

/** Renders `table` as GitHub markdown: a `###` title, the table with right-aligned numbers, then its notes. */
export function renderTable(table: Table): string {
  const cells = table.rows.map((row) => table.columns.map((_, index) => formatCell(row[index])));
  const numeric = table.columns.map((_, index) => cells.every((row) => NUMERIC.test(row[index] ?? '')));
  const widths = table.columns.map((column, index) =>
    Math.max(3, column.length, ...cells.map((row) => row[index]?.length ?? 0)),
  );
  const line = (values: readonly string[]): string =>
    `| ${values.map((value, index) => pad(value, widths[index] ?? 3, numeric[index] === true)).join(' | ')} |`;
  const rule = `| ${widths.map((width, index) => (numeric[index] === true ? `${'-'.repeat(width - 1)}:` : '-'.repeat(width))).join(' | ')} |`;
  const notes = (table.notes ?? []).length === 0 ? [] : ['', ...(table.notes ?? [])];
  return [`### ${table.title}`, '', line(table.columns), rule, ...cells.map(line), ...notes, ''].join('\n');
}

function formatCell(cell: Cell): string {
  if (cell === undefined) return '–';
  return typeof cell === 'number' ? formatNumber(cell) : cell;
}

function pad(value: string, width: number, right: boolean): string {
  return right ? value.padStart(width) : value.padEnd(width);
}
