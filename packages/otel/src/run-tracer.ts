import { SpanKind, SpanStatusCode, context, isSpanContextValid, trace } from '@opentelemetry/api';
import type { Attributes, Context, Link, Span, Tracer } from '@opentelemetry/api';
import type {
  AgentEvent,
  ApprovalRequestedEvent,
  CustomEvent,
  ModelRequestEvent,
  ModelResponseEvent,
  ModelRetryEvent,
  RunEndEvent,
  RunStartEvent,
  ToolEndEvent,
  ToolStartEvent,
} from '@tinyagent/core';
import * as names from './gen-ai-attributes.ts';
import { forgetPausedRun, pausedRunLink, rememberPausedRun } from './paused-runs.ts';
import { boundedJson, boundedName, exceptionOf, replyMessages, statusMessage, textMessages } from './span-content.ts';
import type { ContentPolicy } from './span-content.ts';

interface OpenSpan {
  span: Span;
  context: Context;
}

// One traced run (the top-level one, or an agent its tools ran): its span and those still open.
interface TracedRun extends OpenSpan {
  model: string;
  chat: OpenSpan | undefined;
  tools: Map<string, OpenSpan>;
}

/** What a RunTracer writes besides the events: the provider's name and the content policy. */
export interface RunTracerSettings {
  tracer: Tracer;
  providerName: string;
  content: ContentPolicy;
}

/**
 * Turns the events of one run, and of the runs its tools start (`asTool`), into spans: `invoke_agent`
 * per run, `chat` per model call, `execute_tool` per tool call. A run whose span has no valid context
 * (no SDK registered) is not followed further; one sampled out is, for its context's sake.
 */
export class RunTracer {
  readonly #settings: RunTracerSettings;
  readonly #runs = new Map<string, TracedRun>();
  /** The run that started first without a parent: the one the step runner serves. */
  rootRunId: string | undefined;
  /** Set when a second top-level run used these options: the step runner refuses to go on. */
  sharedByRuns = false;

  constructor(settings: RunTracerSettings) {
    this.#settings = settings;
  }

  /** Whether the run `runId` is traced: its span was started and has not ended. */
  follows(runId: string): boolean {
    return this.#runs.has(runId);
  }

  /** The open span of the root run's model call (`<step>/model`) or tool call (`<step>/tool/<id>`). */
  spanOfStep(id: string): OpenSpan | undefined {
    const run = this.rootRunId === undefined ? undefined : this.#runs.get(this.rootRunId);
    if (run === undefined) return undefined;
    // Read from the front: a call's id is the model's to choose, and may itself end in `/model`.
    const step = id.slice(id.indexOf('/') + 1);
    if (step === 'model') return run.chat;
    return step.startsWith('tool/') ? run.tools.get(step.slice('tool/'.length)) : undefined;
  }

  /** Reads one event of the run. */
  handle(event: AgentEvent | CustomEvent): void {
    if (event.type === 'run-start') {
      this.#runStart(event as RunStartEvent);
      return;
    }
    const run = this.#runs.get(event.runId);
    if (run === undefined) return;
    const known = event as AgentEvent;
    switch (known.type) {
      case 'model-request':
        this.#modelRequest(run, known);
        return;
      case 'model-retry':
        this.#modelRetry(run, known);
        return;
      case 'model-response':
        this.#modelResponse(run, known);
        return;
      case 'tool-start':
        this.#toolStart(run, known);
        return;
      case 'tool-end':
        this.#toolEnd(run, known);
        return;
      case 'approval-requested':
        this.#approvalRequested(run, known);
        return;
      case 'approval-resolved':
        run.span.addEvent('tinyagent.approval.resolved', {
          [names.ATTR_GEN_AI_TOOL_CALL_ID]: boundedName(known.callId),
          'tinyagent.approval.approved': known.approved,
        });
        return;
      case 'correction':
        run.span.addEvent('tinyagent.correction', { 'tinyagent.correction.reason': known.reason });
        return;
      case 'final-answer':
        if (this.#captures(run.span)) {
          const text = boundedJson(known.answer.value, this.#settings.content.maxLength);
          const message = textMessages('assistant', text, Infinity, 'stop');
          run.span.setAttribute(names.ATTR_GEN_AI_OUTPUT_MESSAGES, message);
        }
        return;
      case 'run-end':
        this.#runEnd(run, known);
        return;
      case 'step-start':
      case 'text-delta':
      case 'reasoning-delta':
      case 'tool-call-delta':
      case 'answer-delta':
        // Steps are visible as their chat spans; deltas would be thousands of events per reply.
        return;
      default:
        // An agent's own event (the code agent's code-start, say): its name only, as its fields are content.
        run.span.addEvent(`tinyagent.${event.type}`);
    }
  }

  #runStart(event: RunStartEvent): void {
    const parent = event.parentRunId === undefined ? undefined : this.#runs.get(event.parentRunId);
    if (event.parentRunId === undefined) {
      if (this.rootRunId === undefined) this.rootRunId = event.runId;
      else if (this.rootRunId !== event.runId) this.sharedByRuns = true;
    } else if (parent === undefined) {
      // A sub-run of a run this tracer does not follow (not recording): neither is it followed.
      return;
    }
    const agentName = event.agent ?? 'agent';
    const attributes: Attributes = {
      [names.ATTR_GEN_AI_OPERATION_NAME]: names.OPERATION_INVOKE_AGENT,
      [names.ATTR_GEN_AI_PROVIDER_NAME]: this.#settings.providerName,
      [names.ATTR_GEN_AI_AGENT_NAME]: agentName,
      [names.ATTR_GEN_AI_CONVERSATION_ID]: event.runId,
      [names.ATTR_GEN_AI_REQUEST_MODEL]: event.model,
      'tinyagent.run.max_steps': event.maxSteps,
    };
    if (event.resumed === true) attributes['tinyagent.run.resumed'] = true;
    const continued = event.resumed === true ? pausedRunLink(event.runId) : undefined;
    const links: Link[] = continued === undefined ? [] : [{ context: continued }];
    const parentContext = parent === undefined ? context.active() : callingToolContext(parent);
    const span = this.#settings.tracer.startSpan(
      `${names.OPERATION_INVOKE_AGENT} ${agentName}`,
      { kind: SpanKind.INTERNAL, attributes, links },
      parentContext,
    );
    // No SDK: the API's no-op span, whose context is invalid (unless the context held a valid one,
    // which it then carries on). A valid span that does not record (sampled out) is followed all the
    // same, so that its context (sampled=0) reaches the tools and the model requests.
    if (!isSpanContextValid(span.spanContext())) {
      span.end();
      return;
    }
    if (this.#captures(span)) {
      const { maxLength } = this.#settings.content;
      span.setAttribute(names.ATTR_GEN_AI_INPUT_MESSAGES, textMessages('user', event.task, maxLength));
    }
    const runContext = trace.setSpan(parentContext, span);
    this.#runs.set(event.runId, { span, context: runContext, model: event.model, chat: undefined, tools: new Map() });
  }

  #modelRequest(run: TracedRun, event: ModelRequestEvent): void {
    const attributes: Attributes = {
      [names.ATTR_GEN_AI_OPERATION_NAME]: names.OPERATION_CHAT,
      [names.ATTR_GEN_AI_PROVIDER_NAME]: this.#settings.providerName,
      [names.ATTR_GEN_AI_REQUEST_MODEL]: run.model,
      [names.ATTR_GEN_AI_CONVERSATION_ID]: event.runId,
      'tinyagent.step': event.step,
    };
    if (event.temperature !== undefined) attributes[names.ATTR_GEN_AI_REQUEST_TEMPERATURE] = event.temperature;
    run.chat = this.#child(run, `${names.OPERATION_CHAT} ${run.model}`, SpanKind.CLIENT, attributes);
  }

  #modelRetry(run: TracedRun, event: ModelRetryEvent): void {
    const attributes: Attributes = {
      'tinyagent.retry.attempt': event.attempt,
      'tinyagent.retry.delay_ms': event.delayMs,
      // Core redacts known secrets from the reason; it says what failed, not what was sent.
      'tinyagent.retry.reason': statusMessage(event.reason),
    };
    if (event.status !== undefined) attributes['http.response.status_code'] = event.status;
    (run.chat?.span ?? run.span).addEvent('tinyagent.model.retry', attributes);
  }

  #modelResponse(run: TracedRun, event: ModelResponseEvent): void {
    const chat = run.chat;
    if (chat === undefined) return;
    run.chat = undefined;
    const { span } = chat;
    span.setAttribute(names.ATTR_GEN_AI_RESPONSE_FINISH_REASONS, [event.finishReason]);
    if (event.responseModel !== undefined) {
      span.setAttribute(names.ATTR_GEN_AI_RESPONSE_MODEL, boundedName(event.responseModel));
    }
    if (event.usage !== undefined) {
      span.setAttribute(names.ATTR_GEN_AI_USAGE_INPUT_TOKENS, event.usage.inputTokens);
      span.setAttribute(names.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, event.usage.outputTokens);
    }
    if (this.#captures(span)) {
      span.setAttribute(names.ATTR_GEN_AI_OUTPUT_MESSAGES, replyMessages(event, this.#settings.content.maxLength));
    }
    span.end();
  }

  #toolStart(run: TracedRun, event: ToolStartEvent): void {
    // The model's choice, even for a tool the agent does not have.
    const toolName = boundedName(event.toolName);
    const attributes: Attributes = {
      [names.ATTR_GEN_AI_OPERATION_NAME]: names.OPERATION_EXECUTE_TOOL,
      [names.ATTR_GEN_AI_TOOL_NAME]: toolName,
      [names.ATTR_GEN_AI_TOOL_CALL_ID]: boundedName(event.toolCallId),
      [names.ATTR_GEN_AI_TOOL_TYPE]: 'function',
      [names.ATTR_GEN_AI_CONVERSATION_ID]: event.runId,
      'tinyagent.step': event.step,
    };
    const name = `${names.OPERATION_EXECUTE_TOOL} ${toolName}`;
    const open = this.#child(run, name, SpanKind.INTERNAL, attributes);
    if (this.#captures(open.span)) {
      // Core has redacted the arguments already; bounded here.
      const { maxLength } = this.#settings.content;
      open.span.setAttribute(names.ATTR_GEN_AI_TOOL_CALL_ARGUMENTS, boundedJson(event.arguments, maxLength));
    }
    run.tools.set(event.toolCallId, open);
  }

  #toolEnd(run: TracedRun, event: ToolEndEvent): void {
    const tool = run.tools.get(event.toolCallId);
    if (tool === undefined) return;
    run.tools.delete(event.toolCallId);
    const { span } = tool;
    if (this.#captures(span)) {
      span.setAttribute(
        names.ATTR_GEN_AI_TOOL_CALL_RESULT,
        boundedJson(event.output, this.#settings.content.maxLength),
      );
    }
    if (event.originalLength !== undefined) span.setAttribute('tinyagent.tool.original_length', event.originalLength);
    if (event.isError) {
      const error = event.error;
      span.setAttribute(names.ATTR_ERROR_TYPE, error?.name ?? 'ToolError');
      if (error !== undefined && span.isRecording()) span.recordException(exceptionOf(error));
      // The output says what went wrong as the model read it ("Error: ..."), redacted by core.
      span.setStatus({ code: SpanStatusCode.ERROR, message: statusMessage(event.output) });
    }
    span.end();
  }

  #approvalRequested(run: TracedRun, event: ApprovalRequestedEvent): void {
    const { approval } = event;
    const attributes: Attributes = {
      [names.ATTR_GEN_AI_TOOL_CALL_ID]: boundedName(approval.callId),
      'tinyagent.approval.kind': approval.kind,
    };
    if (approval.kind === 'tool-call') attributes[names.ATTR_GEN_AI_TOOL_NAME] = boundedName(approval.toolName);
    run.span.addEvent('tinyagent.approval.requested', attributes);
  }

  #runEnd(run: TracedRun, event: RunEndEvent): void {
    this.#runs.delete(event.runId);
    const { result } = event;
    const { span } = run;
    span.setAttributes({
      [names.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: result.usage.inputTokens,
      [names.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: result.usage.outputTokens,
      'tinyagent.run.state': result.state,
      'tinyagent.run.steps': result.stepsTaken,
    });
    const failed = result.state === 'error' || result.state === 'aborted' || result.state === 'step_limit_reached';
    // A model call or tool call the run ended in the middle of (an abort, a failed model call).
    for (const open of [run.chat, ...run.tools.values()]) {
      if (open === undefined) continue;
      if (failed && result.error !== undefined) markFailed(open.span, result.error);
      open.span.end();
    }
    if (result.state === 'awaiting_approval') {
      const waiting = (result.pendingApprovals ?? []).map((pending) => boundedName(pending.callId));
      span.addEvent('tinyagent.run.paused', { 'tinyagent.approval.call_ids': waiting });
      rememberPausedRun(event.runId, span.spanContext());
    } else {
      forgetPausedRun(event.runId);
    }
    if (failed && result.error !== undefined) markFailed(span, result.error);
    span.end();
  }

  // Content is built only for a span that records it: a run the SDK sampled out is followed for its
  // context alone, and building its messages, JSON and stacks would be work thrown away per event.
  #captures(span: Span): boolean {
    return this.#settings.content.capture && span.isRecording();
  }

  #child(run: TracedRun, name: string, kind: SpanKind, attributes: Attributes): OpenSpan {
    const span = this.#settings.tracer.startSpan(name, { kind, attributes }, run.context);
    return { span, context: trace.setSpan(run.context, span) };
  }
}

// The span of the tool call that runs a sub-agent: the active one when a context manager carries it
// there, else the calling run's latest open tool call (its tool-start came just before).
function callingToolContext(parent: TracedRun): Context {
  const active = trace.getSpan(context.active());
  let latest: OpenSpan | undefined;
  for (const open of parent.tools.values()) {
    if (open.span === active) return open.context;
    latest = open;
  }
  return latest?.context ?? parent.context;
}

function markFailed(span: Span, error: Error): void {
  if (!span.isRecording()) return;
  span.setAttribute(names.ATTR_ERROR_TYPE, error.name);
  span.recordException(exceptionOf(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: statusMessage(error.message) });
}
