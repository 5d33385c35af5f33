import { SandboxError } from './sandbox-error.ts';

// When the watchdog replaces a worker, the runs of the other sandboxes on it did nothing wrong. Those
// whose execution (or sandbox creation) never started can run elsewhere: their errors are kept here.
const movable = new WeakSet<SandboxError>();

// True when `error` ended an execution (or a creation) that never started.
function isMovable(error: unknown): boolean {
  return error instanceof SandboxError && movable.has(error);
}

/**
 * The error of a run whose worker went with a neighbour's execution that would not stop. `neverStarted`:
 * its execution (or creation) had not begun, and the error is movable; otherwise it had just begun.
 * The text is what the caller reads once the run could not be moved (see JsExecutor).
 */
export function neighbourRunaway(neverStarted: boolean): SandboxError {
  const what = neverStarted
    ? 'this run was waiting its turn and did nothing wrong; it was moved to a fresh sandbox, whose worker runaway code got replaced as well'
    : 'this run had only just started on it and did nothing wrong';
  const error = new SandboxError(
    `The sandbox's worker was replaced because another run's code on it ran past its deadline and would not stop: ${what}. ` +
      'Run it again (variables from earlier steps are gone), and give runs of untrusted code a sandbox pool of ' +
      'their own (createSandboxPool) so that they cannot hold up others.',
  );
  if (neverStarted) movable.add(error);
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
 * the caller hears so (the error says what to do) rather than waiting on.
 */
export function moveOnce<T>(budget: MoveBudget, error: unknown, again: () => Promise<T>): Promise<T> {
  if (budget.used || !isMovable(error)) return Promise.reject(error);
  budget.used = true;
  return again();
}
