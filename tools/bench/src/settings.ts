/** How much work each measurement does: `full` for the published numbers, `quick` for the CI smoke check. */
export interface BenchSettings {
  mode: 'full' | 'quick';
  /** Runs of each contestant, at latency 0, before anything is measured: enough for V8 to settle. */
  warmupRuns: number;
  /** CPU per turn: rounds over all contestants, and sequential runs per contestant per round. */
  cpuRounds: number;
  cpuBatch: number;
  /** Single runs at 50 ms latency per contestant. */
  latencyRounds: number;
  /** Runs of the parallel-tools scenario per contestant. */
  parallelRounds: number;
  /** Concurrency levels of the throughput measurement. */
  concurrency: readonly number[];
  /** Fresh processes per contestant for throughput and for in-flight memory; the median of them is reported. */
  throughputRepeats: number;
  /** Runs at each concurrency level (at least the level itself). */
  throughputRuns: (concurrency: number) => number;
  /** CPU per turn with snapshots: rounds over the variants, and sequential runs per variant per round. */
  snapshotRounds: number;
  snapshotBatch: number;
  /** Memory per in-flight run: runs started at once, and the model's latency they wait on. */
  inFlightRuns: number;
  inFlightLatencyMs: number;
  /** The contestants measured for in-flight memory; undefined for all of them. */
  inFlightContestants: readonly string[] | undefined;
  /** Streaming: text deltas per reply and characters per delta; warm-up runs; rounds and runs per contestant per round. */
  streamDeltas: number;
  streamDeltaChars: number;
  streamWarmupRuns: number;
  streamRounds: number;
  streamBatch: number;
  /** A stalled stream: characters of the reply and per delta, how long the consumer stalls, and repeats. */
  stallReplyChars: number;
  stallDeltaChars: number;
  stallMs: number;
  stallRepeats: number;
  /** The contestants measured with a stalled stream; undefined for all the streaming ones. */
  stallContestants: readonly string[] | undefined;
  /** MCP: echo calls per caller before measuring; rounds and calls per caller per round; fresh connections per client. */
  mcpWarmupCalls: number;
  mcpRounds: number;
  mcpBatch: number;
  mcpConnects: number;
  /** Durable runs: tool steps per run of the overhead pairs; warm-up and measured pairs (plain run, durable run). */
  durableSteps: number;
  durableWarmupPairs: number;
  durablePairs: number;
  /** Durable runs/s: runs submitted to two worker processes, and to the plain baseline. */
  durableThroughputRuns: number;
  /** Durable recovery: workers killed one after the other (the two paths taking turns), and runs each holds (≤ 10). */
  durableKills: number;
  durableKillRuns: number;
  /** Samples of each code-agent metric. */
  codeSamples: number;
  /** Passes over the fixture pages for web_browse. */
  webRounds: number;
}

/** Latency of every fake model reply in the wall-time and throughput measurements. */
export const MODEL_LATENCY_MS = 50;

const FULL: BenchSettings = {
  mode: 'full',
  warmupRuns: 300,
  cpuRounds: 25,
  cpuBatch: 25,
  latencyRounds: 12,
  parallelRounds: 8,
  concurrency: [1, 10, 100, 1000],
  throughputRepeats: 3,
  throughputRuns: (concurrency) => Math.max(10, concurrency * 2, Math.min(400, concurrency * 6)),
  snapshotRounds: 25,
  snapshotBatch: 20,
  inFlightRuns: 2000,
  inFlightLatencyMs: 1000,
  inFlightContestants: undefined,
  streamDeltas: 2000,
  streamDeltaChars: 8,
  streamWarmupRuns: 100,
  streamRounds: 25,
  streamBatch: 4,
  stallReplyChars: 2 ** 20,
  stallDeltaChars: 64,
  stallMs: 10_000,
  stallRepeats: 2,
  stallContestants: undefined,
  // A call costs tens of µs: many, for batches long enough to read the CPU clock well. Rounds: a
  // round's ratio strays ±10 % on this machine, even pinned to one core; 30 left the median ±3 %.
  mcpWarmupCalls: 2000,
  mcpRounds: 90,
  mcpBatch: 1000,
  mcpConnects: 10,
  durableSteps: 10,
  durableWarmupPairs: 20,
  durablePairs: 60,
  durableThroughputRuns: 400,
  durableKills: 6,
  durableKillRuns: 8,
  codeSamples: 200,
  webRounds: 3,
};

const QUICK: BenchSettings = {
  mode: 'quick',
  warmupRuns: 60,
  cpuRounds: 4,
  cpuBatch: 10,
  latencyRounds: 2,
  parallelRounds: 2,
  concurrency: [1, 10, 100, 1000],
  throughputRepeats: 1,
  throughputRuns: (concurrency) => Math.max(4, concurrency),
  snapshotRounds: 6,
  snapshotBatch: 8,
  // Enough to exercise every contestant's in-flight path; the published figures are the full run's.
  inFlightRuns: 200,
  inFlightLatencyMs: 250,
  // The target's two only: throughput already runs every contestant, and each process costs seconds.
  inFlightContestants: ['tinyagent-native', 'openai-sdk'],
  streamDeltas: 2000,
  streamDeltaChars: 8,
  streamWarmupRuns: 10,
  streamRounds: 3,
  streamBatch: 2,
  // The same reply, a shorter stall, and the target's two contestants only.
  stallReplyChars: 2 ** 20,
  stallDeltaChars: 64,
  stallMs: 2_000,
  stallRepeats: 1,
  stallContestants: ['tinyagent-native', 'openai-sdk'],
  // Every path once or twice over: each connection starts a server process (about half a second).
  mcpWarmupCalls: 50,
  mcpRounds: 3,
  mcpBatch: 20,
  mcpConnects: 1,
  // Every path once: each worker process takes about a second to start.
  durableSteps: 3,
  durableWarmupPairs: 2,
  durablePairs: 5,
  durableThroughputRuns: 20,
  durableKills: 2,
  durableKillRuns: 4,
  codeSamples: 30,
  webRounds: 1,
};

/** The settings for `--quick` or the full run. */
export function benchSettings(quick: boolean): BenchSettings {
  return quick ? QUICK : FULL;
}
