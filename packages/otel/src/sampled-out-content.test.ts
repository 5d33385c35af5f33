import { AlwaysOffSampler, AlwaysOnSampler, BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { Sampler } from '@opentelemetry/sdk-trace-base';
import type { AgentEvent } from '@tinyagent/core';
import { describe, expect, it } from 'vitest';
import { RunTracer } from './run-tracer.ts';

// Runs a run-start and a tool-start through a tracer that captures content, the tool's arguments
// counting how often they are turned into JSON; returns that count.
function argumentReads(sampler: Sampler): number {
  const provider = new BasicTracerProvider({ sampler });
  const tracer = new RunTracer({
    tracer: provider.getTracer('test'),
    providerName: 'openai',
    content: { capture: true, maxLength: 1_000 },
  });
  let reads = 0;
  const args = {
    toJSON: () => {
      reads += 1;
      return { city: 'Oslo' };
    },
  };
  const envelope = { runId: 'run-1', step: 1 };
  tracer.handle({
    ...envelope,
    seq: 0,
    type: 'run-start',
    task: 'Oslo?',
    model: 'fake-model',
    maxSteps: 3,
  });
  tracer.handle({
    ...envelope,
    seq: 1,
    type: 'tool-start',
    toolCallId: 'call-1',
    toolName: 'get_weather',
    arguments: args,
  } as unknown as AgentEvent);
  return reads;
}

describe('content capture', () => {
  it('builds content for spans that record it, and none for a run the SDK sampled out', () => {
    expect(argumentReads(new AlwaysOnSampler())).toBe(1);
    expect(argumentReads(new AlwaysOffSampler())).toBe(0);
  });
});
