import { context, trace } from '@opentelemetry/api';
import type { TracerProvider } from '@opentelemetry/api';
import { ConfigurationError, directStepRunner } from '@tinyagent/core';
import type { AgentEvent, CustomEvent, StepRunner } from '@tinyagent/core';
import { checkOptionKeys } from '@tinyagent/core/internal';
import { RunTracer } from './run-tracer.ts';

/** Options of `traceRun`; all optional. */
export interface TraceRunOptions {
  /** Where spans go; default the globally registered provider (none registered: nothing is traced). */
  tracerProvider?: TracerProvider | undefined;
  /**
   * Put message content on spans: the task, the model's replies, tool arguments and results, the
   * answer. Off by default; when on, known secrets are redacted (core's redaction) and each value is
   * cut to `maxContentLength`.
   */
  captureContent?: boolean | undefined;
  /** Longest content value in characters, when `captureContent` is on; default 8 192. */
  maxContentLength?: number | undefined;
  /** `gen_ai.provider.name` of the model calls; default `openai` (the chat-completions API every model here speaks). */
  providerName?: string | undefined;
  /** A step runner of your own (a durable engine's) to run each step through, inside its span. */
  stepRunner?: StepRunner | undefined;
  /** A listener of your own, told every event after the tracer. */
  onEvent?: ((event: AgentEvent | CustomEvent) => void) | undefined;
}

/**
 * Run options that trace one run: `onEvent` turns its events into spans, and `stepRunner` runs
 * each model call and tool execution inside its span's context, so that spans the work makes (a
 * tool's fetch, its database calls) nest under it.
 */
export interface TracedRunOptions {
  /** Makes the spans from the run's events (and calls your `onEvent` after). */
  onEvent: (event: AgentEvent | CustomEvent) => void;
  /** Runs each model call and tool execution inside its span's context (through your `stepRunner`, if given). */
  stepRunner: StepRunner;
}

const OPTION_KEYS = Object.keys({
  tracerProvider: true,
  captureContent: true,
  maxContentLength: true,
  providerName: true,
  stepRunner: true,
  onEvent: true,
} satisfies Record<keyof TraceRunOptions, true>);

const DEFAULT_MAX_CONTENT_LENGTH = 8_192;

/**
 * Traces one agent run as OpenTelemetry spans in the GenAI semantic conventions: pass the result
 * as the run's options (`agent.run(task, traceRun())`, or spread it among others). Call it once per
 * run (and per resume); the agents the run's tools start are traced with it. Throws
 * ConfigurationError for unknown or invalid options.
 */
export function traceRun(options: TraceRunOptions = {}): TracedRunOptions {
  checkOptionKeys(options, OPTION_KEYS, 'traceRun');
  const { captureContent = false, maxContentLength = DEFAULT_MAX_CONTENT_LENGTH, providerName = 'openai' } = options;
  if (typeof captureContent !== 'boolean') {
    throw new ConfigurationError(`traceRun: captureContent must be true or false; got ${String(captureContent)}.`);
  }
  if (!Number.isInteger(maxContentLength) || maxContentLength < 1) {
    throw new ConfigurationError(
      `traceRun: maxContentLength must be a positive whole number of characters; got ${String(maxContentLength)}.`,
    );
  }
  if (typeof providerName !== 'string' || providerName === '') {
    throw new ConfigurationError('traceRun: providerName must be a non-empty string, such as "openai".');
  }
  const inner = options.stepRunner ?? directStepRunner;
  if (typeof inner.run !== 'function') {
    throw new ConfigurationError('traceRun: stepRunner must be a StepRunner: an object with a run(id, work) method.');
  }
  const own = options.onEvent;
  if (own !== undefined && typeof own !== 'function') {
    throw new ConfigurationError('traceRun: onEvent must be a function that receives each event.');
  }
  const provider = options.tracerProvider ?? trace.getTracerProvider();
  const tracer = new RunTracer({
    tracer: provider.getTracer('@tinyagent/otel'),
    providerName,
    content: { capture: captureContent, maxLength: maxContentLength },
  });
  return {
    onEvent:
      own === undefined
        ? (event) => tracer.handle(event)
        : (event) => {
            // Your listener hears every event, even one the tracer failed on.
            try {
              tracer.handle(event);
            } finally {
              own(event);
            }
          },
    stepRunner: {
      run: (id, work) => {
        if (tracer.sharedByRuns) {
          return Promise.reject(
            new ConfigurationError('traceRun: these options already trace another run; call traceRun() for each run.'),
          );
        }
        const open = tracer.spanOfStep(id);
        return open === undefined ? inner.run(id, work) : context.with(open.context, () => inner.run(id, work));
      },
    },
  };
}
