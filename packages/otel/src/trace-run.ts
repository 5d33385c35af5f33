import { context, trace } from '@opentelemetry/api';
import type { TracerProvider } from '@opentelemetry/api';
import { ConfigurationError, directStepRunner } from '@tinyagent/core';
import type { AgentEvent, CustomEvent, RunStartEvent, StepRunner } from '@tinyagent/core';
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
  /**
   * Runs each model call and tool execution inside its span's context (through your `stepRunner`, if
   * given). When the run is not traced (no SDK registered), its `run` becomes your runner's, or core's
   * direct seam, from the run's start on.
   */
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
 * run (and per resume); the agents the run's tools start are traced with it. Whether the run is
 * traced is decided when it starts, by its root span: with no SDK registered then, the options pass
 * every event and step straight through for the rest of the run. Throws ConfigurationError for
 * unknown or invalid options.
 */
export function traceRun(options: TraceRunOptions = {}): TracedRunOptions {
  // Typed as the options, but called from JavaScript too: `traceRun(true)` must not trace silently.
  if (typeof (options as unknown) !== 'object' || (options as unknown) === null) {
    throw new ConfigurationError('traceRun takes an options object such as { captureContent: true }, or nothing.');
  }
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
  const given = options.tracerProvider as Partial<TracerProvider> | null | undefined;
  if (given !== undefined && typeof given?.getTracer !== 'function') {
    throw new ConfigurationError(
      "traceRun: tracerProvider must be a TracerProvider (your SDK's, with getTracer), not a tracer; " +
        'leave it out to use the globally registered one.',
    );
  }
  const provider = options.tracerProvider ?? trace.getTracerProvider();
  const tracer = new RunTracer({
    tracer: provider.getTracer('@tinyagent/otel'),
    providerName,
    content: { capture: captureContent, maxLength: maxContentLength },
  });
  const stepRunner: StepRunner = {
    run: (id, work) => {
      if (tracer.sharedByRuns) return Promise.reject(sharedOptionsError());
      const open = tracer.spanOfStep(id);
      return open === undefined ? inner.run(id, work) : context.with(open.context, () => inner.run(id, work));
    },
  };
  const traced: Listener =
    own === undefined
      ? (event) => tracer.handle(event)
      : (event) => {
          // Your listener hears every event, even one the tracer failed on.
          try {
            tracer.handle(event);
          } finally {
            own(event);
          }
        };
  // Whether anything is traced is decided by the run's own root span, made at its run-start (the
  // first event): public API has no other sound way to tell that no SDK is registered, and an SDK
  // registered after traceRun() but before the run is thereby honoured. Without an SDK that span is
  // the API's no-op one, whose context is invalid: nothing to record, nothing to propagate. The
  // listener and the step runner then become pass-throughs for the rest of the run: no span lookup,
  // no context switch, and the step runner the caller's own (core's direct seam by default, which
  // core then runs on its fast path). Core keeps the functions it was given, so the switch is in
  // the variable `listen` and in the runner's `run` property, which core reads at each step.
  const decide = (rootRunId: string): void => {
    if (tracer.follows(rootRunId)) {
      listen = traced;
      return;
    }
    listen = untraced(rootRunId, own, () => {
      stepRunner.run = () => Promise.reject(sharedOptionsError());
    });
    stepRunner.run = inner === directStepRunner ? directStepRunner.run : (id, work) => inner.run(id, work);
  };
  let listen: Listener = (event) => {
    try {
      traced(event);
    } finally {
      // Decided even when your listener threw on run-start (core logs that and goes on).
      if (isRootRunStart(event)) decide(event.runId);
    }
  };
  return { onEvent: (event) => listen(event), stepRunner };
}

type Listener = (event: AgentEvent | CustomEvent) => void;

function isRootRunStart(event: AgentEvent | CustomEvent): event is RunStartEvent {
  return event.type === 'run-start' && (event as RunStartEvent).parentRunId === undefined;
}

// The listener of a run that is not traced: it only watches for a second top-level run given the
// same options, which is refused as when tracing (a mistake must not wait for an SDK to show).
function untraced(rootRunId: string, own: Listener | undefined, refuse: () => void): Listener {
  return (event) => {
    if (isRootRunStart(event) && event.runId !== rootRunId) refuse();
    own?.(event);
  };
}

function sharedOptionsError(): ConfigurationError {
  return new ConfigurationError('traceRun: these options already trace another run; call traceRun() for each run.');
}
