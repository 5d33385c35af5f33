// Entry of a measuring process: it receives one job from the bench, runs it, sends the result back
// and exits. Each job runs in a fresh process, so no measurement inherits another's heap or JIT state.
import type { ChildReply } from './child-process.ts';
import type { ScaleAgent, V8PoolSize } from './measurements/code-agent-scale-report.ts';
import type { TracingOffHttpVariant } from './measurements/tracing-off-http.ts';
import { benchSettings } from './settings.ts';

/** A job for a measuring process. */
export type MeasureJob =
  | { kind: 'agent-loop'; quick: boolean; modelURL: string }
  | { kind: 'throughput'; quick: boolean; modelURL: string; contestantId: string }
  | { kind: 'snapshots'; quick: boolean; modelURL: string }
  | { kind: 'tracing-off'; quick: boolean; modelURL: string }
  | { kind: 'tracing-off-http'; quick: boolean; modelURL: string; variant: TracingOffHttpVariant }
  | { kind: 'in-flight-memory'; quick: boolean; modelURL: string; contestantId: string }
  | { kind: 'streaming'; quick: boolean; streamURL: string }
  | { kind: 'stream-stall'; quick: boolean; streamURL: string; contestantId: string }
  | { kind: 'mcp'; quick: boolean }
  | { kind: 'durable'; quick: boolean }
  | { kind: 'code-agent'; quick: boolean }
  | { kind: 'code-agent-scale'; quick: boolean; agent: ScaleAgent; concurrency: number; v8PoolSize: V8PoolSize }
  | { kind: 'web-browse'; quick: boolean; pagesURL: string };

// Each measurement is imported only by the process that runs it, so that a process measuring one
// contestant's memory holds no sandbox, HTML parser or other framework.
async function runJob(job: MeasureJob): Promise<unknown> {
  const settings = benchSettings(job.quick);
  switch (job.kind) {
    case 'agent-loop':
      return (await import('./measurements/agent-loop.ts')).measureAgentLoop(job.modelURL, settings);
    case 'throughput':
      return (await import('./measurements/throughput.ts')).measureThroughput(job.modelURL, job.contestantId, settings);
    case 'snapshots':
      return (await import('./measurements/snapshots.ts')).measureSnapshots(job.modelURL, settings);
    case 'tracing-off':
      return (await import('./measurements/tracing-off.ts')).measureTracingOff(job.modelURL, settings);
    case 'tracing-off-http':
      return (await import('./measurements/tracing-off-http.ts')).measureTracingOffHttp(
        job.modelURL,
        job.variant,
        settings,
      );
    case 'in-flight-memory': {
      const { measureInFlightMemory } = await import('./measurements/in-flight-memory.ts');
      return measureInFlightMemory(job.modelURL, job.contestantId, settings);
    }
    case 'streaming':
      return (await import('./measurements/streaming.ts')).measureStreaming(job.streamURL, settings);
    case 'stream-stall': {
      const { measureStreamStall } = await import('./measurements/stream-stall.ts');
      return measureStreamStall(job.streamURL, job.contestantId, settings);
    }
    case 'mcp':
      return (await import('./measurements/mcp.ts')).measureMcp(settings);
    case 'durable':
      return (await import('./measurements/durable.ts')).measureDurable(settings);
    case 'code-agent':
      return (await import('./measurements/code-agent.ts')).measureCodeAgent(settings);
    case 'code-agent-scale': {
      const { measureCodeAgentScale } = await import('./measurements/code-agent-scale.ts');
      return measureCodeAgentScale(job.agent, job.concurrency, job.v8PoolSize);
    }
    case 'web-browse':
      return (await import('./measurements/web-browse.ts')).measureWebBrowse(job.pagesURL, settings);
  }
}

process.once('message', (job: MeasureJob) => {
  runJob(job).then(
    (result) => reply({ ok: true, result }),
    (error: unknown) =>
      reply({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});

// Exits once the reply is sent, even if a framework left a timer or a socket behind.
function reply(message: ChildReply<unknown>): void {
  process.send?.(message, () => process.exit(0));
}
