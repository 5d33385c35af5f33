import { ConfigurationError, ReplayDivergedError } from '../errors.ts';
import type { StepRunner } from './step-runner.ts';
import { appended } from './short-list.ts';

/** One completed step of a run: its seam id, its result, and for a tool call what was called. */
export interface JournalEntry {
  id: string;
  /** Plain JSON data: the checked model reply, the tool call's outcome, an agent's own result. */
  result: unknown;
  /** For a tool call: the tool and the arguments it got, so a replay can tell it made the same call. */
  call?: { name: string; arguments: unknown } | undefined;
}

/**
 * A run's record of its completed steps, in order, for snapshots; and, for a resumed run, the steps
 * of the run it continues, answered from the record instead of being run again. A replayed run
 * must ask for the same steps with the same calls: anything else is a ReplayDivergedError.
 */
export class RunJournal {
  #entries: JournalEntry[] = [];
  // Every id of the current step asked for so far: one id for two pieces of work would replay one's
  // result for both. Ids begin with their step, which the engine gives from the step in progress, so
  // an earlier step's ids cannot come again and are forgotten when a later step begins. A step asks
  // for one or two (its model call, a tool call), which a short list holds in a fraction of a set's
  // memory; a step of many (a code block's calls) gets a set, so the check stays linear.
  #seen: string[] | Set<string> | undefined;
  #seenStep = 0;
  // Recorded steps a resumed run has not reached yet; none (and no map) for a fresh run.
  readonly #unreplayed: Map<string, JournalEntry> | undefined;
  // Steps before this one were complete when the snapshot was taken: all their work is recorded.
  readonly #liveFrom: number;

  /** The completed steps, in order. */
  get entries(): readonly JournalEntry[] {
    return this.#entries;
  }

  /** A journal that replays `recorded`, in which steps before `liveFrom` were complete. */
  constructor(recorded: readonly JournalEntry[] = [], liveFrom = 0) {
    this.#unreplayed = recorded.length === 0 ? undefined : new Map(recorded.map((entry) => [entry.id, entry]));
    this.#liveFrom = liveFrom;
  }

  /** True when the step `id` will be answered from the record. */
  replays(id: string): boolean {
    return this.#unreplayed?.has(id) === true;
  }

  /** True while recorded steps remain to be replayed. */
  get replaying(): boolean {
    return this.#unreplayed !== undefined && this.#unreplayed.size > 0;
  }

  /**
   * The result of step `id`: the recorded one when the run is replaying it, otherwise the work's,
   * run through `runner` and recorded.
   */
  run<Result>(
    runner: StepRunner,
    id: string,
    work: () => Promise<Result>,
    call?: JournalEntry['call'],
  ): Promise<Result> {
    // Not async: a run waits in here for its tool calls, and an async frame would be memory each
    // run in flight holds. Whatever throws still reaches the caller as a rejection.
    try {
      const recorded = this.begin(id, call);
      if (recorded !== undefined) return Promise.resolve(recorded.result as Result);
      return runner.run(id, work).then((result) => {
        this.record(id, result, call);
        return result;
      });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Begins step `id`, for a caller that runs the work and `record`s its result itself: the recorded
   * entry when the run replays the step (recorded again), undefined when the work is to run. Throws
   * a ConfigurationError for an id used twice in its step, and ReplayDivergedError for a step that
   * is not the recorded one.
   */
  begin(id: string, call?: JournalEntry['call']): JournalEntry | undefined {
    this.#markSeen(id);
    const recorded = this.#unreplayed?.get(id);
    if (recorded !== undefined) {
      this.#unreplayed?.delete(id);
      if (call !== undefined && !sameCall(recorded.call, call)) {
        throw ReplayDivergedError.forCall(id, recorded.call, call);
      }
      this.#entries = appended(this.#entries, recorded);
      return recorded;
    }
    this.#checkNothingSkipped(id, call);
    return undefined;
  }

  /** Records the result of step `id`, begun with `begin` and not replayed. */
  record(id: string, result: unknown, call?: JournalEntry['call']): void {
    this.#entries = appended(this.#entries, call === undefined ? { id, result } : { id, result, call });
  }

  // Throws a ConfigurationError when `id` was asked for before in its step.
  #markSeen(id: string): void {
    const step = stepOf(id);
    if (!Object.is(step, this.#seenStep)) {
      this.#seen = undefined;
      this.#seenStep = step;
    }
    const seen = this.#seen;
    if (seen === undefined) {
      this.#seen = [id];
      return;
    }
    if (Array.isArray(seen) ? seen.includes(id) : seen.has(id)) {
      const rule = id.endsWith('/model')
        ? 'a protocol calls the model once per step'
        : "tool call ids must be unique within a step, and so must an agent's own step names (runStep)";
      throw new ConfigurationError(`Step id '${id}' was used twice in one run: ${rule}.`);
    }
    if (!Array.isArray(seen)) seen.add(id);
    else if (seen.length < SHORT_LIST) seen.push(id);
    else this.#seen = new Set([...seen, id]);
  }

  /** Throws ReplayDivergedError when a step before `step` left recorded steps unreplayed. */
  checkStepDone(step: number): void {
    for (const id of this.#unreplayed?.keys() ?? []) {
      if (stepOf(id) < step) throw ReplayDivergedError.forSkipped(id);
    }
  }

  // Work that is not recorded is new: fine in the step the snapshot paused in and after it; a
  // divergence in a step that was complete, or while recorded work of earlier steps still waits.
  #checkNothingSkipped(id: string, call: JournalEntry['call']): void {
    const step = stepOf(id);
    if (step < this.#liveFrom) throw ReplayDivergedError.forCall(id, undefined, call);
    if (this.replaying) this.checkStepDone(step);
  }
}

// Ids of one step kept in a list before they move to a set.
const SHORT_LIST = 8;

function stepOf(id: string): number {
  return Number.parseInt(id, 10);
}

// The same call as recorded: the same tool with arguments of the same JSON.
function sameCall(recorded: JournalEntry['call'], call: NonNullable<JournalEntry['call']>): boolean {
  return recorded?.name === call.name && JSON.stringify(recorded.arguments) === JSON.stringify(call.arguments);
}
