// Small statistics for the bench: medians and ratios of samples, nothing that needs a library.
// Percentiles come from @tinyagent/fixtures/stats: one definition for the bench and the soak.

/** The median of `samples`: the mean of the two middle values for an even count; NaN for none. */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const upper = sorted[middle] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? Number.NaN) + upper) / 2;
}

/** `value / reference`, or NaN when the reference is not a positive number. */
export function ratio(value: number, reference: number): number {
  return reference > 0 && Number.isFinite(reference) ? value / reference : Number.NaN;
}

/**
 * The median of `values[i] / references[i]`: a ratio of paired samples, taken close together in
 * time, so that the machine's drift between rounds cancels out. NaN when no pair is usable.
 */
export function pairedRatio(values: readonly number[], references: readonly number[]): number {
  const ratios = values.map((value, index) => ratio(value, references[index] ?? Number.NaN));
  return median(ratios.filter((item) => Number.isFinite(item)));
}
