import { SpanStatusCode } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { formatSpanTree, traceRun } from '@tinyagent/otel';
import type { TracedRunOptions } from '@tinyagent/otel';

/** The spans of one run, kept in memory for `--trace`: its options to pass, and the tree once it ended. */
export interface RunTrace {
  options: TracedRunOptions;
  /** The spans as an indented tree, one line each: name, duration, and the attributes worth a glance. */
  tree(): string;
}

/** Starts collecting the spans of one run with the real OpenTelemetry SDK, exporting to memory. */
export function createRunTrace(): RunTrace {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return {
    options: traceRun({ tracerProvider: provider }),
    tree: () => formatSpanTree(exporter.getFinishedSpans(), describeSpan).join('\n'),
  };
}

function describeSpan(span: ReadableSpan): string {
  const milliseconds = span.duration[0] * 1000 + span.duration[1] / 1e6;
  const parts = [span.name, `${milliseconds.toFixed(1)} ms`];
  const { attributes } = span;
  const input = attributes['gen_ai.usage.input_tokens'];
  const output = attributes['gen_ai.usage.output_tokens'];
  if (input !== undefined && output !== undefined) parts.push(`tokens ${String(input)}→${String(output)}`);
  const reasons = attributes['gen_ai.response.finish_reasons'];
  if (Array.isArray(reasons)) parts.push(`finish ${reasons.join(',')}`);
  if (span.status.code === SpanStatusCode.ERROR) parts.push(`✗ ${String(attributes['error.type'] ?? 'error')}`);
  const retries = span.events.filter((event) => event.name === 'tinyagent.model.retry').length;
  if (retries > 0) parts.push(`${retries} retr${retries === 1 ? 'y' : 'ies'}`);
  return parts.join(' · ');
}
