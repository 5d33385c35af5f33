import { sleep } from '@tinyagent/core/internal';

/** The heap in MiB after a full collection; the process must run with --expose-gc. */
export function heapAfterGc(): number {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect === undefined) throw new Error('Run with --expose-gc: the memory check needs a full collection.');
  collect();
  collect();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

/**
 * The heap once it has settled: collected every second until two measures agree within 1 % (at
 * most 20 times). Right after a burst of work it keeps shrinking for seconds (weak references of
 * combined abort signals and finalizers are cleared over several collections), so one measure
 * taken at once says more about timing than about leaks.
 */
export async function settledHeap(): Promise<number> {
  let previous = heapAfterGc();
  for (let attempt = 0; attempt < 20; attempt++) {
    await sleep(1_000);
    const current = heapAfterGc();
    if (Math.abs(current - previous) <= previous * 0.01) return current;
    previous = current;
  }
  return previous;
}
