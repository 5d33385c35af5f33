import type { Table } from './table.ts';
import { formatNumber } from './table.ts';

/** One target of the issue, as measured in this run. */
export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean;
}

/** What a measurement contributes to the report. */
export interface MeasurementReport {
  tables: Table[];
  targets: TargetCheck[];
  /** Rows invalidated by wrong answers or failures, with the first problem of each. */
  invalid: string[];
}

/** A ratio as the tables show it: `1.07×`. */
export function times(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : '–';
}

/** Checks `value` against an upper (`≤`) or lower (`≥`) bound. */
export function checkTarget(target: string, value: number, bound: '≤' | '≥', limit: number, unit = ''): TargetCheck {
  const met = Number.isFinite(value) && (bound === '≤' ? value <= limit : value >= limit);
  const measured = unit === '×' ? times(value) : `${formatNumber(value)}${unit}`;
  return { target, measured, met };
}

/** The targets as a table: each with what was measured and whether it was met. */
export function targetsTable(targets: readonly TargetCheck[]): Table {
  return {
    title: 'Targets',
    columns: ['target', 'measured', 'met'],
    rows: targets.map((check) => [check.target, check.measured, check.met ? 'yes' : 'NO']),
  };
}
