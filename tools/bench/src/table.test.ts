import { describe, expect, it } from 'vitest';
import { formatNumber, renderTable } from './table.ts';

describe('formatNumber', () => {
  it('keeps three significant digits or so, and whole numbers whole', () => {
    expect(formatNumber(1234.5)).toBe('1235');
    expect(formatNumber(12.345)).toBe('12.3');
    expect(formatNumber(1.2345)).toBe('1.23');
    expect(formatNumber(0.012345)).toBe('0.0123');
    expect(formatNumber(3)).toBe('3');
  });

  it('shows a missing value as a dash', () => {
    expect(formatNumber(Number.NaN)).toBe('–');
  });
});

describe('renderTable', () => {
  it('renders a titled GitHub table with numbers and ratios right-aligned, then its notes', () => {
    const text = renderTable({
      title: 'CPU',
      columns: ['contestant', 'µs', 'ratio'],
      rows: [
        ['fast one', 120.4, '1.00×'],
        ['slow', 1.5, undefined],
      ],
      notes: ['Lower is better.'],
    });
    expect(text).toBe(
      [
        '### CPU',
        '',
        '| contestant |   µs | ratio |',
        '| ---------- | ---: | ----: |',
        '| fast one   |  120 | 1.00× |',
        '| slow       | 1.50 |     – |',
        '',
        'Lower is better.',
        '',
      ].join('\n'),
    );
  });
});
