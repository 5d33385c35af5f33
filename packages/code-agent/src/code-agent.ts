import { StepLimitReached, executeRun, outputOrThrow, streamRunEvents } from '@tinyagent/core';
import {
  AGENT_MODEL_OPTION_KEYS,
  MODEL_OPTION_HINTS,
  checkAgentOptions,
  checkOptionKeys,
  collectTools,
  createAgentModel,
} from '@tinyagent/core/internal';
import type {
  AgentEvent,
  AgentModelOptions,
  AgentRun,
  ChatModel,
  RunOptions,
  RunOptionsWithResult,
  RunResult,
  RunSetup,
  StreamOptions,
  Tool,
} from '@tinyagent/core';
import { STOP_SEQUENCES, extractCode } from './code-extraction.ts';
import { renderCodePrompt } from './code-prompt.ts';
import { JsExecutor } from './sandbox/js-executor.ts';
import type { ExecutionOptions } from './sandbox/js-executor.ts';
import { resolveLimits } from './sandbox/sandbox-limits.ts';
import type { ResolvedLimits, SandboxLimits } from './sandbox/sandbox-limits.ts';
import { checkSandboxTools } from './sandbox/sandbox-tools.ts';

/** Steps a run takes before it stops, unless `maxSteps` says otherwise. */
export const DEFAULT_CODE_AGENT_MAX_STEPS = 6;

/** What the agent tells the model when its reply holds no code. */
export const NO_CODE_CORRECTION = 'Please respond with a single fenced code block.';

// Tools run synchronously on the host while the sandbox waits: nothing can interrupt one, so a
// per-call deadline would be a promise the agent cannot keep. The execution's deadline bounds them.
const TOOL_TIMEOUT_HINT =
  "TinyCodeAgent's tools run synchronously and cannot be interrupted, so there is no per-call tool deadline: " +
  'the sandbox limit timeoutMs (limits: { timeoutMs }) bounds each execution, its tool calls included.';

/** Options of `new TinyCodeAgent`. */
export interface TinyCodeAgentOptions extends AgentModelOptions {
  /** Synchronous tools the model's code calls as functions; async tools belong to ReactAgent. */
  tools: readonly Tool[];
  /** A prompt template file (.txt, .md, .prompt, .xml) replacing the default; `{tools}` marks the tools. */
  promptFile?: string | undefined;
  /** Text appended to the system prompt. */
  systemSuffix?: string | undefined;
  /** Sandbox limits of every run; see `SandboxLimits` for the defaults. */
  limits?: SandboxLimits | undefined;
}

// Every key of TinyCodeAgentOptions, checked by the compiler both ways.
const OPTION_KEYS = [
  ...AGENT_MODEL_OPTION_KEYS,
  ...Object.keys({
    tools: true,
    promptFile: true,
    systemSuffix: true,
    limits: true,
  } satisfies Record<Exclude<keyof TinyCodeAgentOptions, keyof AgentModelOptions>, true>),
];

/**
 * An agent whose model answers in JavaScript: each reply's code block runs in a QuickJS-WebAssembly
 * sandbox off the main thread, where the tools are functions and `final_answer(value)` ends the run.
 * Variables persist across the steps of a run; every run starts from a fresh sandbox.
 */
export class TinyCodeAgent {
  /** The model every run talks to. */
  readonly chatModel: ChatModel;
  /** The rendered system prompt, tool signatures included. */
  readonly systemPrompt: string;
  /** The sandbox limits of every run, defaults filled in. */
  readonly limits: Readonly<ResolvedLimits>;
  readonly #tools: readonly Tool[];
  readonly #modelTimeoutMs: number | undefined;

  /** Checks everything it can at once: model access, tools (sync, callable names) and limits. */
  constructor(options: TinyCodeAgentOptions) {
    checkAgentOptions(options, 'TinyCodeAgent');
    checkOptionKeys(options, OPTION_KEYS, 'TinyCodeAgent', { ...MODEL_OPTION_HINTS, toolTimeoutMs: TOOL_TIMEOUT_HINT });
    const registry = collectTools(options.tools, 'TinyCodeAgent');
    this.#tools = [...checkSandboxTools(registry, 'TinyCodeAgent').values()];
    this.limits = Object.freeze(resolveLimits(options.limits));
    this.chatModel = createAgentModel(options);
    this.#modelTimeoutMs = options.modelTimeoutMs;
    this.systemPrompt = renderCodePrompt(this.#tools, options);
  }

  /**
   * Runs the agent on `task` and resolves with the final answer as text. Rejects with the run's
   * typed error: StepLimitReached, ModelCallError, SandboxError, RunAbortedError (abort or
   * `timeoutMs`), or ConfigurationError for invalid options. With `returnResult: true`, resolves
   * with the whole RunResult instead, however the run ended.
   */
  run(task: string, options: RunOptionsWithResult): Promise<RunResult>;
  run(task: string, options?: RunOptions & { returnResult?: false | undefined }): Promise<string>;
  run(task: string, options: RunOptions): Promise<string | RunResult>;
  run(task: string, options: RunOptions = {}): Promise<string | RunResult> {
    const result = executeRun(this.#setup(task, options), (run) => this.#loop(run));
    return options.returnResult === true ? result : result.then(outputOrThrow);
  }

  /** Runs a task and yields its events as they happen, ending with `run-end`; `break` aborts the run. */
  stream(task: string, options: StreamOptions = {}): AsyncIterable<AgentEvent> {
    return streamRunEvents(
      (listener, signal) =>
        executeRun({ ...this.#setup(task, { ...options, signal }), listener }, (run) => this.#loop(run)),
      options.signal,
    );
  }

  #setup(task: string, options: RunOptions): RunSetup {
    return {
      task,
      model: this.chatModel,
      toolNames: this.#tools.map((tool) => tool.name),
      defaultMaxSteps: DEFAULT_CODE_AGENT_MAX_STEPS,
      options,
      agentName: 'TinyCodeAgent',
      modelTimeoutMs: this.#modelTimeoutMs,
      unsupportedOptions: { toolTimeoutMs: TOOL_TIMEOUT_HINT },
    };
  }

  async #loop(run: AgentRun): Promise<void> {
    run.messages.push({ role: 'system', content: this.systemPrompt }, ...run.history, {
      role: 'user',
      content: run.task,
    });
    using executor = new JsExecutor({ tools: this.#tools, limits: this.limits });
    // The sandbox starts while the model thinks about its first reply.
    executor.warm().catch(() => undefined);
    let lastReply: string | undefined;
    for (let step = 1; step <= run.maxSteps; step++) {
      run.stepsTaken = step;
      run.emit({ type: 'step-start', step, maxSteps: run.maxSteps, finalAttempt: false });
      const response = await run.callModel(
        this.chatModel,
        { messages: run.messages, temperature: 0, stop: STOP_SEQUENCES },
        step,
      );
      lastReply = response.content ?? '';
      run.messages.push({ role: 'assistant', content: lastReply });
      const extracted = extractCode(lastReply);
      if (extracted === undefined) {
        run.messages.push({ role: 'user', content: NO_CODE_CORRECTION });
        run.emit({ type: 'correction', step, reason: 'no code block', message: NO_CODE_CORRECTION });
        continue;
      }
      run.emit({ type: 'code-start', step, code: extracted.code });
      const result = await executor.run(extracted.code, {
        typescript: extracted.typescript,
        ...executionHooks(run, step),
      });
      run.emit({
        type: 'code-end',
        step,
        output: result.output,
        isError: result.isError,
        durationMs: result.durationMs,
      });
      if (result.isFinal) {
        const metadata = result.answerLength === undefined ? { step } : { step, originalLength: result.answerLength };
        // The value itself (an object stays an object; `output` is its JSON text), unless it was cut
        // to maxAnswerChars: then the text, which is all that is left of it.
        const value = result.answerLength === undefined ? result.value : result.answer;
        const answer = run.finalizer.set(value, { metadata });
        run.emit({ type: 'final-answer', step, answer });
        return;
      }
      run.messages.push({ role: 'user', content: `Observation:\n${result.output}\n` });
    }
    throw new StepLimitReached(StepLimitReached.describe(run.stepsTaken, false), {
      stepsTaken: run.stepsTaken,
      finalAttemptMade: false,
      context: { maxSteps: run.maxSteps, lastReply },
    });
  }
}

// Tool calls made from inside the sandbox are reported like any other tool call, listened to or not:
// the run's step records are built from the events.
function executionHooks(run: AgentRun, step: number): ExecutionOptions {
  const hooks: ExecutionOptions = { signal: run.signal, run: run.scope };
  hooks.onToolStart = (event) => run.emit({ type: 'tool-start', step, ...event });
  hooks.onToolEnd = (event) =>
    run.emit({
      type: 'tool-end',
      step,
      toolCallId: event.toolCallId,
      toolName: event.toolName,
      output: event.output,
      isError: event.isError,
      originalLength: undefined,
      durationMs: event.durationMs,
      ...(event.error === undefined ? {} : { error: event.error }),
    });
  return hooks;
}
