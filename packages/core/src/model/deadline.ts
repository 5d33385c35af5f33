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
  const { ms, map, onExpire, recover } = options;
  return new Promise<R>((resolve, reject) => {
    // The first outcome wins. Work that fails after the deadline passed (aborted by onExpire, say)
    // must not start a second recovery: that would be a second retry, whose failure nobody awaits.
    let settled = false;
    const fail = (error: unknown): void => {
      if (settled) return;
      settled = true;
      if (recover === undefined) reject(error);
      else resolve(recover(error));
    };
    const timer = setTimeout(
      () => {
        onExpire?.();
        fail(new DeadlinePassed());
      },
      Math.max(0, ms),
    );
    work.then(
      (value) => {
        clearTimeout(timer);
        if (settled) return;
        let mapped: R;
        try {
          mapped = map(value);
        } catch (error) {
          fail(error);
          return;
        }
        settled = true;
        resolve(mapped);
      },
      (error: unknown) => {
        clearTimeout(timer);
        fail(error);
      },
    );
  });
}
