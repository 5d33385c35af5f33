// What the soak found: each run's outcome, the counts per outcome, and the verdict.
import { ModelCallError, isTinyAgentError } from '@tinyagent/core';
import type { RunResult } from '@tinyagent/core';
import { percentile } from '@tinyagent/fixtures/stats';
import { SETTLE_LIMIT_MS, SETTLE_TARGET_MS } from './cancellation.ts';
import type { CancelledRun } from './cancellation.ts';
import type { SoakKind, SoakRun } from './soak-scenario.ts';

/** How one soak run ended, as a label: `correct`, `error: ModelCallError`, `FAIL: wrong answer`, ... */
export function classify(run: SoakRun, result: RunResult, everyExpected: ReadonlySet<string>): string {
  if (result.finalAnswer !== undefined) {
    if (result.output === run.expected) return 'correct';
    return everyExpected.has(result.output) ? 'FAIL: another run’s answer' : 'FAIL: wrong answer';
  }
  if (!isTinyAgentError(result.error)) return `FAIL: untyped error (${String(result.error)})`;
  const reason = ModelCallError.isInstance(result.error) ? ` (${modelFailure(result.error)})` : '';
  return `${result.state}: ${result.error.name}${reason}`;
}

const MODEL_FAILURES: readonly (readonly [RegExp, string])[] = [
  [/did not finish within/, 'the call outlived its timeout'],
  [/without choices/, 'no choices'],
  [/ended the stream before/, 'stream cut off'],
  [/not valid JSON/, 'invalid JSON'],
  [/broke off|Could not reach/, 'connection failed'],
];

function modelFailure(error: ModelCallError): string {
  if (error.status !== undefined) return `HTTP ${error.status} after retries`;
  return MODEL_FAILURES.find(([pattern]) => pattern.test(error.message))?.[1] ?? error.message;
}

/** Counts per outcome label, by run kind. */
export type OutcomeCounts = Map<SoakKind, Map<string, number>>;

/** Adds one outcome to the counts. */
export function count(counts: OutcomeCounts, kind: SoakKind, outcome: string): void {
  const byOutcome = counts.get(kind) ?? new Map<string, number>();
  byOutcome.set(outcome, (byOutcome.get(outcome) ?? 0) + 1);
  counts.set(kind, byOutcome);
}

/** Everything the soak measured. */
export interface SoakFigures {
  profile: string;
  seed: number;
  counts: OutcomeCounts;
  faults: ReadonlyMap<string, number>;
  modelRequests: number;
  pending: number;
  unhandledRejections: number;
  uncaughtExceptions: number;
  heapBeforeMb: number;
  heapAfterMb: number;
  soakSeconds: number;
  cancelled: readonly CancelledRun[];
  cancelExitCode: number | null;
  cancelExitMs: number;
  cancelStderr: string;
  /** The longest the cancellation child's event loop was held up, in ms. */
  cancelLoopDelayMs: number;
}

/** Why the soak failed; empty when it passed. */
export function failures(figures: SoakFigures): string[] {
  const found: string[] = [];
  for (const [kind, byOutcome] of figures.counts) {
    for (const [outcome, runs] of byOutcome)
      if (outcome.startsWith('FAIL')) found.push(`${runs} ${kind} run(s): ${outcome}`);
  }
  if (figures.pending > 0) found.push(`${figures.pending} run(s) never settled`);
  if (figures.unhandledRejections > 0) found.push(`${figures.unhandledRejections} unhandled rejection(s)`);
  if (figures.uncaughtExceptions > 0) found.push(`${figures.uncaughtExceptions} uncaught exception(s)`);
  if (figures.heapAfterMb > figures.heapBeforeMb * 1.1) {
    found.push(
      `the heap grew from ${figures.heapBeforeMb.toFixed(1)} to ${figures.heapAfterMb.toFixed(1)} MB (limit +10 %)`,
    );
  }
  const notAborted = figures.cancelled.filter((run) => run.state !== 'aborted' || run.errorName !== 'RunAbortedError');
  if (notAborted.length > 0) found.push(`${notAborted.length} cancelled run(s) did not end as aborted`);
  const settleTimes = figures.cancelled.map((run) => run.settleMs);
  const max = percentile(settleTimes, 100);
  if (!(percentile(settleTimes, 99) <= SETTLE_TARGET_MS))
    found.push(`1 % of the cancelled runs took more than ${SETTLE_TARGET_MS} ms to settle`);
  if (!(max <= SETTLE_LIMIT_MS))
    found.push(`a cancelled run took ${max.toFixed(0)} ms to settle (limit ${SETTLE_LIMIT_MS} ms)`);
  if (figures.cancelExitCode !== 0) {
    found.push(
      `the cancellation process did not exit by itself (code ${String(figures.cancelExitCode)}): ${figures.cancelStderr.trim()}`,
    );
  }
  return found;
}

/** The report printed at the end of a soak. */
export function formatReport(figures: SoakFigures): string {
  const lines = [`TinyAgent soak (${figures.profile}, seed ${figures.seed}), ${new Date().toISOString()}`, ''];
  lines.push(`Fault-injected runs: ${figures.soakSeconds.toFixed(1)} s, ${figures.modelRequests} model requests`);
  for (const [kind, byOutcome] of [...figures.counts].sort(([a], [b]) => a.localeCompare(b))) {
    const total = [...byOutcome.values()].reduce((sum, runs) => sum + runs, 0);
    lines.push(`  ${kind} (${total} runs)`);
    for (const [outcome, runs] of [...byOutcome].sort(([, a], [, b]) => b - a))
      lines.push(`    ${String(runs).padStart(5)}  ${outcome}`);
  }
  const faults = [...figures.faults].sort(([a], [b]) => a.localeCompare(b));
  const faultTotal = faults.reduce((sum, [, sent]) => sum + sent, 0);
  lines.push(`  faults injected: ${faultTotal} (${faults.map(([kind, sent]) => `${kind} ${sent}`).join(', ')})`);
  lines.push(
    `  pending runs: ${figures.pending}; unhandled rejections: ${figures.unhandledRejections}; uncaught exceptions: ${figures.uncaughtExceptions}`,
  );
  const growth = ((figures.heapAfterMb / figures.heapBeforeMb - 1) * 100).toFixed(1);
  lines.push(
    `  heap after GC: ${figures.heapBeforeMb.toFixed(1)} MB before, ${figures.heapAfterMb.toFixed(1)} MB after (${growth} %)`,
  );
  lines.push('', `Cancellation: ${figures.cancelled.length} runs aborted in a child process`);
  for (const phase of ['model', 'tool', 'sandbox'] as const) {
    const runs = figures.cancelled.filter((run) => run.phase === phase);
    const aborted = runs.filter((run) => run.state === 'aborted').length;
    const settleTimes = runs.map((run) => run.settleMs);
    const settle = (p: number): string => percentile(settleTimes, p).toFixed(2);
    lines.push(
      `  in a ${phase.padEnd(7)} ${aborted}/${runs.length} aborted; settle ms p50 ${settle(50)}, p90 ${settle(90)}, p99 ${settle(99)}, max ${settle(100)}`,
    );
  }
  const late = figures.cancelled.filter((run) => run.settleMs > SETTLE_TARGET_MS).length;
  lines.push(
    `  above ${SETTLE_TARGET_MS} ms: ${late} run(s); the child's event loop stalled ${figures.cancelLoopDelayMs.toFixed(0)} ms at most`,
  );
  lines.push(
    `  the child exited by itself ${figures.cancelExitMs.toFixed(0)} ms after its last run settled (code ${String(figures.cancelExitCode)})`,
  );
  return lines.join('\n');
}
