import { SandboxError } from './sandbox-error.ts';

// When the watchdog replaces a worker, the runs of the other sandboxes on it did nothing wrong. Those
// whose execution (or sandbox creation) never started can run elsewhere: their errors are kept here.
const movable = new WeakSet<SandboxError>();

// True when `error` ended an execution (or a creation) that never started.
function isMovable(error: unknown): boolean {
  return error instanceof SandboxError && movable.has(error);
}

/**
 * What a neighbour's runaway code cut short: a sandbox still being created, an execution still waiting
 * its turn (these two never started, and may move), one that had just started, or a run that was already
 * moved once and met runaway code again.
 */
export type CutShort = 'creation' | 'waiting' | 'started' | 'moved';

const WHAT_HAPPENED: Record<CutShort, string> = {
  creation: 'this sandbox was still being created on it and did nothing wrong',
  waiting: 'this run was waiting its turn and did nothing wrong',
  started: 'this run had only just started on it and did nothing wrong',
  moved:
    'this run was waiting its turn and did nothing wrong; it was moved to a fresh sandbox, whose worker runaway code got replaced as well',
};

/**
 * The error of a run whose worker went with a neighbour's execution that would not stop, saying what
 * that cut short. A creation or a waiting execution never started: its error is movable (see moveOnce).
 */
export function neighbourRunaway(cutShort: CutShort): SandboxError {
  const error = new SandboxError(
    `The sandbox's worker was replaced because another run's code on it ran past its deadline and would not stop: ${WHAT_HAPPENED[cutShort]}. ` +
      'Run it again (variables from earlier steps are gone), and give runs of untrusted code a sandbox pool of ' +
      'their own (createSandboxPool) so that they cannot hold up others.',
  );
  if (cutShort === 'creation' || cutShort === 'waiting') movable.add(error);
  return error;
}

/** Whether a run has used its one move to a fresh sandbox. */
export interface MoveBudget {
  used: boolean;
}

/**
 * Tries `again` (on a fresh sandbox) when `error` ended a sandbox creation or an execution that never
 * started because a neighbour's runaway code got its worker replaced; rejects with `error` otherwise.
 * Once per run (`budget`): a second replacement means runaway code keeps landing beside the run, and
 * the caller hears so (an error saying that the run was moved, and what to do) rather than waiting on.
 */
export function moveOnce<T>(budget: MoveBudget, error: unknown, again: () => Promise<T>): Promise<T> {
  if (!isMovable(error)) return Promise.reject(error);
  // Only here does a run learn that it was moved: the error of the first replacement cannot say so.
  if (budget.used) return Promise.reject(neighbourRunaway('moved'));
  budget.used = true;
  return again().catch((next: unknown) => Promise.reject(isMovable(next) ? neighbourRunaway('moved') : next));
}
