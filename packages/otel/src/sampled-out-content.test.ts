import { AlwaysOffSampler, AlwaysOnSampler, BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { Sampler } from '@opentelemetry/sdk-trace-base';
import type { AgentEvent } from '@tinyagent/core';
import { describe, expect, it } from 'vitest';
import { RunTracer } from './run-tracer.ts';

// Values that count how often the tracer turns them into span content: JSON (toJSON) or an
// exception (the error's stack, which exceptionOf reads to redact it).
function counted(): { reads: () => number; json: object; error: Error } {
  let reads = 0;
  const json = {
    toJSON: () => {
      reads += 1;
      return { city: 'Oslo' };
    },
  };
  const error = new Error('the tool failed');
  Object.defineProperty(error, 'stack', {
    get: () => {
      reads += 1;
      return 'Error: the tool failed';
    },
  });
  return { reads: () => reads, json, error };
}

// The fields the tracer reads of an event; the rest of a real one (timestamps, the whole result) it ignores.
const partial = (fields: object): AgentEvent => fields as unknown as AgentEvent;

// One failing run through a tracer that captures content: a model call whose tool call carries
// JSON, a tool call with JSON arguments that fails with an error, a final answer with a JSON value,
// then the run ends in error. Returns how often the counted values were read.
function contentReads(sampler: Sampler): number {
  const provider = new BasicTracerProvider({ sampler });
  const tracer = new RunTracer({
    tracer: provider.getTracer('test'),
    providerName: 'openai',
    content: { capture: true, maxLength: 1_000 },
  });
  const { reads, json, error } = counted();
  const at = (seq: number) => ({ runId: 'run-1', step: 1, seq });
  tracer.handle({ ...at(0), type: 'run-start', task: 'Oslo?', model: 'fake-model', maxSteps: 3 });
  tracer.handle({ ...at(1), type: 'model-request' });
  tracer.handle(
    partial({
      ...at(2),
      type: 'model-response',
      finishReason: 'tool_calls',
      content: 'Looking it up.',
      toolCalls: [{ id: 'call-1', name: 'get_weather', arguments: json }],
    }),
  );
  tracer.handle({ ...at(3), type: 'tool-start', toolCallId: 'call-1', toolName: 'get_weather', arguments: json });
  tracer.handle({
    ...at(4),
    type: 'tool-end',
    toolCallId: 'call-1',
    toolName: 'get_weather',
    output: 'Error: the tool failed',
    isError: true,
    durationMs: 1,
    error,
  });
  tracer.handle(partial({ ...at(5), type: 'final-answer', answer: { value: json } }));
  tracer.handle(
    partial({
      ...at(6),
      type: 'run-end',
      result: { state: 'error', usage: { inputTokens: 1, outputTokens: 1 }, stepsTaken: 1, error },
    }),
  );
  return reads();
}

describe('content capture', () => {
  it('builds content and exceptions for spans that record them, and none for a run the SDK sampled out', () => {
    // Recording: the model's reply, the tool's arguments and the final answer once each as JSON, and the
    // error's stack on the tool span and on the run's (exceptionOf reads it to redact it).
    expect(contentReads(new AlwaysOnSampler())).toBe(7);
    expect(contentReads(new AlwaysOffSampler())).toBe(0);
  });
});
