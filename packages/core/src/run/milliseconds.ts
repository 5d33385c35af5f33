import { ConfigurationError } from '../errors.ts';

/**
 * The longest delay Node's timers can wait, 2^31 - 1 ms (about 24.8 days). A longer one fires after
 * 1 ms, with only a warning: a deadline of 3,000,000,000 ms would end every call at once.
 */
export const MAX_DELAY_MS = 2_147_483_647;

/** Whether `value` is a deadline a timer can keep: a number of milliseconds above 0, at most MAX_DELAY_MS. */
export function isDelay(value: unknown): value is number {
  return typeof value === 'number' && value > 0 && value <= MAX_DELAY_MS;
}

// What `name` must be, for the ConfigurationError of a deadline that is not one.
function delayProblem(name: string, value: unknown): string {
  const bound = `at most ${MAX_DELAY_MS} (about 24.8 days, the longest a timer can wait)`;
  return `${name} must be a positive number of milliseconds, ${bound}; got ${describeValue(value)}.`;
}

/** A value as an error message shows it: a string quoted, so that '500' is not read as 500. */
export function describeValue(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 50)) : String(value);
}

/** Throws a ConfigurationError unless `value` is undefined or a deadline a timer can keep. */
export function checkMilliseconds(name: string, value: number | undefined): void {
  if (value !== undefined && !isDelay(value)) throw new ConfigurationError(delayProblem(name, value));
}
