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
    problem = `failed: ${error instanceof Error ? error.message : String(error)}`;
  }
  const durationMs = performance.now() - started;
  tally.runs += 1;
  if (problem !== undefined) {
    tally.wrong += 1;
    tally.firstProblem ??= problem;
  }
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
