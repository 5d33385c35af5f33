import { findContestant } from './contestants/index.ts';
import type { RunTask } from './contestants/index.ts';
import { checkAnswer } from './scenario.ts';
import type { BenchTask } from './scenario.ts';

/** Runs that returned a wrong answer or failed, with the first problem for the report. */
export interface AnswerTally {
  runs: number;
  wrong: number;
  firstProblem: string | undefined;
}

/** A new, empty tally. */
export function createTally(): AnswerTally {
  return { runs: 0, wrong: 0, firstProblem: undefined };
}

/** Counts one run in `tally`: `problem` is what was wrong with its answer, undefined when it was right. */
export function countAnswer(tally: AnswerTally, problem: string | undefined): void {
  tally.runs += 1;
  if (problem === undefined) return;
  tally.wrong += 1;
  tally.firstProblem ??= problem;
}

/** The problem a run that threw is counted with. */
export function failureProblem(error: unknown): string {
  return `failed: ${error instanceof Error ? error.message : String(error)}`;
}

/**
 * Runs `task` and checks the answer; resolves with the run's wall time in milliseconds. A wrong
 * answer or a failure is counted in `tally`, never thrown: the row is invalid, the bench goes on.
 */
export async function runChecked(run: RunTask, task: BenchTask, tally: AnswerTally): Promise<number> {
  const started = performance.now();
  let problem: string | undefined;
  try {
    const answer = await run(task.text);
    if (!checkAnswer(answer, task.expected)) problem = `expected ${task.expected}, got ${JSON.stringify(answer)}`;
  } catch (error) {
    problem = failureProblem(error);
  }
  const durationMs = performance.now() - started;
  countAnswer(tally, problem);
  return durationMs;
}

/**
 * One line per contestant with a wrong answer, for a report's `invalid` rows: `<label><where>: 3 of
 * 120 runs wrong (<first problem>)`, where `where` tells apart measurements of the same contestant.
 */
export function wrongAnswerLines(samples: readonly { id: string; tally: AnswerTally }[], where = ''): string[] {
  return samples
    .filter((entry) => entry.tally.wrong > 0)
    .map(
      ({ id, tally }) =>
        `${findContestant(id).label}${where}: ${tally.wrong} of ${tally.runs} runs wrong (${tally.firstProblem ?? ''})`,
    );
}
