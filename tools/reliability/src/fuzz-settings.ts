/** The seed of every fuzz test: the same inputs on every run, so a failure is reproducible. */
export const FUZZ_SEED = Number(process.env.TINYAGENT_FUZZ_SEED ?? 20_250_801);

/**
 * How many cases a fuzz test runs: `base` in `pnpm test`, times `TINYAGENT_FUZZ_SCALE` for a longer
 * hunt (`TINYAGENT_FUZZ_SCALE=20 pnpm nx test reliability`).
 */
export function fuzzRuns(base: number): number {
  const scale = Number(process.env.TINYAGENT_FUZZ_SCALE ?? 1);
  return Math.max(1, Math.round(base * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
}
