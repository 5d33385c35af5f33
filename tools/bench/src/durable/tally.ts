import type { AnswerTally } from '../run-checked.ts';

/** Counts one run in `tally`: `problem` is what was wrong with its answer, undefined when it was right. */
export function countAnswer(tally: AnswerTally, problem: string | undefined): void {
  tally.runs += 1;
  if (problem === undefined) return;
  tally.wrong += 1;
  tally.firstProblem ??= problem;
}
