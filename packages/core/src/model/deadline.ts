/** What an attempt rejects with when the call's deadline passes; `complete` turns it into a ModelCallError. */
export class DeadlinePassed extends Error {}

/** How `withinDeadline` treats the work it races. */
export interface DeadlineOptions<T, R> {
  /** Milliseconds the work has; 0 or less fails at the next turn. */
  ms: number;
  /** Turns the work's value into the result; a throw fails like the work. */
  map: (value: T) => R;
  /** Stops the work when the deadline passes (it is still observed afterwards). */
  onExpire?: (() => void) | undefined;
  /** Takes any failure, the deadline's included; the call then settles like its promise. */
  recover?: ((error: unknown) => Promise<R>) | undefined;
}

/**
 * Settles like `work` (its value through `map`), or fails with DeadlinePassed after `ms` (calling
 * `onExpire` to stop the work); a failure goes to `recover` when there is one. Work that loses the
 * race is still observed, so its late rejection is never unhandled. Mapping and recovering here,
 * not in promises of their own, saves every model call two.
 */
export function withinDeadline<T, R>(work: Promise<T>, options: DeadlineOptions<T, R>): Promise<R> {
  const { promise, resolve, reject } = Promise.withResolvers<R>();
  const race = new DeadlineRace(options, resolve, reject);
  work.then(
    (value) => race.settle(value),
    (error: unknown) => race.fail(error),
  );
  return promise;
}

// One race's state in one object, whose timer calls a function shared by all: a run in flight waits
// in here for every model reply, and closures for each part (and their contexts) were memory each
// run held.
class DeadlineRace<T, R> {
  // The first outcome wins. Work that fails after the deadline passed (aborted by onExpire, say)
  // must not start a second recovery: that would be a second retry, whose failure nobody awaits.
  #settled = false;
  readonly #map: (value: T) => R;
  readonly #onExpire: (() => void) | undefined;
  readonly #recover: ((error: unknown) => Promise<R>) | undefined;
  readonly #resolve: (value: R | Promise<R>) => void;
  readonly #reject: (reason: unknown) => void;
  readonly #timer: ReturnType<typeof setTimeout>;

  constructor(
    options: DeadlineOptions<T, R>,
    resolve: (value: R | Promise<R>) => void,
    reject: (reason: unknown) => void,
  ) {
    this.#map = options.map;
    this.#onExpire = options.onExpire;
    this.#recover = options.recover;
    this.#resolve = resolve;
    this.#reject = reject;
    this.#timer = setTimeout(expire, Math.max(0, options.ms), this);
  }

  expire(): void {
    this.#onExpire?.();
    this.fail(new DeadlinePassed());
  }

  settle(value: T): void {
    clearTimeout(this.#timer);
    if (this.#settled) return;
    let mapped: R;
    try {
      mapped = this.#map(value);
    } catch (error) {
      this.fail(error);
      return;
    }
    this.#settled = true;
    this.#resolve(mapped);
  }

  fail(error: unknown): void {
    clearTimeout(this.#timer);
    if (this.#settled) return;
    this.#settled = true;
    if (this.#recover === undefined) this.#reject(error);
    else this.#resolve(this.#recover(error));
  }
}

function expire(race: { expire(): void }): void {
  race.expire();
}
