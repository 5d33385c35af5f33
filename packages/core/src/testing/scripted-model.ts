// The in-process scripted model of the test kit. It lives in core so that core's own tests can use
// it (core cannot depend on @tinyagent/testing, which depends on core); @tinyagent/testing is its
// public home and re-exports it.
import { abortReason, sleep } from '../abort.ts';
import type { ChatModel, ChatRequest, ChatResponse } from '../model/chat-model.ts';
import { createIdSequence, normalizeReply, toChatResponse } from './replies.ts';
import type { ScriptedReply } from './replies.ts';
import { ConfigurationError } from '../errors.ts';
import { checkOptionKeys } from '../run/option-keys.ts';
import { checkStreamOptions, streamScriptedReply } from './scripted-stream.ts';
import { checkScriptedStep } from './scripted-steps.ts';
import type { ScriptedStreamOptions } from './scripted-stream.ts';

/** A recorded request: what the agent sent, with the messages copied at the time of the call. */
export type RecordedChatRequest = Omit<ChatRequest, 'signal' | 'onRetry' | 'onDelta'> & {
  hadSignal: boolean;
  /** True when the request asked for deltas (`onDelta`), which the model then streamed. */
  streamed: boolean;
};

/** A scripted failure: the call rejects with `error`, after `delayMs` if given. */
export interface ScriptedFailure {
  error: Error;
  delayMs?: number;
}

/**
 * One step of a scripted model: a reply, `{ error }` to make the call fail with that error, or a
 * function of the request (and its 0-based index) returning either.
 */
export type ScriptedStep =
  | ScriptedReply
  | ScriptedFailure
  | ((
      request: RecordedChatRequest,
      index: number,
    ) => ScriptedReply | ScriptedFailure | Promise<ScriptedReply | ScriptedFailure>);

/**
 * Options of `createScriptedModel`. `chunkSize` and `chunkDelayMs` shape how a reply is streamed to
 * a request that has an `onDelta` (see ScriptedStreamOptions).
 */
export interface ScriptedModelOptions extends ScriptedStreamOptions {
  /** Reported as the model's name; default `scripted-model`. */
  modelName?: string | undefined;
}

/** An in-process ChatModel that replays a script and records every request it gets. */
export interface ScriptedModel extends ChatModel {
  /** Every request so far, in order. */
  readonly requests: readonly RecordedChatRequest[];
  /** Steps not yet used. */
  readonly remaining: number;
}

/**
 * Creates a ChatModel that answers the n-th call with the n-th step of `steps`. A call past the end
 * of the script fails with an error saying so. Honors the request's abort signal, also while a
 * step's `delayMs` runs. A request with an `onDelta` gets the reply streamed in pieces first
 * (`chunkSize`, `chunkDelayMs`), all of attempt 1.
 */
export function createScriptedModel(steps: readonly ScriptedStep[], options: ScriptedModelOptions = {}): ScriptedModel {
  checkOptionKeys(options, ['modelName', 'chunkSize', 'chunkDelayMs'], 'createScriptedModel');
  checkStreamOptions('createScriptedModel', options);
  if (options.modelName !== undefined && (typeof options.modelName !== 'string' || options.modelName === '')) {
    throw new ConfigurationError(
      `createScriptedModel: modelName must be a non-empty string; got ${JSON.stringify(options.modelName)}.`,
    );
  }
  // Typed as an array, but called from JavaScript too: a string would be read a character a call.
  const given: unknown = steps;
  if (!Array.isArray(given)) {
    throw new ConfigurationError(
      `createScriptedModel needs an array of steps, one a call; got ${typeof given}. For one reply, write ['…'].`,
    );
  }
  steps.forEach(checkScriptedStep);
  const modelName = options.modelName ?? 'scripted-model';
  const requests: RecordedChatRequest[] = [];
  const nextId = createIdSequence('call_');

  const complete = async (request: ChatRequest): Promise<ChatResponse> => {
    const { signal, onRetry: _onRetry, onDelta, ...rest } = request;
    const recorded: RecordedChatRequest = {
      ...rest,
      messages: structuredClone([...request.messages]),
      hadSignal: signal !== undefined,
      streamed: onDelta !== undefined,
    };
    const index = requests.length;
    requests.push(recorded);
    if (signal?.aborted === true) throw abortReason(signal);
    const step = steps[index];
    if (step === undefined) {
      throw new Error(
        `Scripted model '${modelName}' has no step for call #${index + 1}: the script has ${steps.length}. ` +
          'Add a step, or check why the agent called the model again.',
      );
    }
    const resolved = typeof step === 'function' ? await step(recorded, index) : step;
    // The script's own steps were checked when it was made; a function's answer only now exists.
    if (typeof step === 'function') checkScriptedStep(resolved, index);
    if (typeof resolved === 'object' && 'error' in resolved) {
      if (resolved.delayMs !== undefined) await sleep(resolved.delayMs, signal);
      throw resolved.error;
    }
    const promptText = request.messages.map((message) => message.content ?? '').join('\n');
    const reply = normalizeReply(resolved, nextId, promptText);
    if (reply.delayMs > 0) await sleep(reply.delayMs, signal);
    if (onDelta !== undefined) await streamScriptedReply(reply, onDelta, options, signal);
    return toChatResponse(reply, modelName);
  };

  return {
    modelName,
    complete,
    get requests() {
      return requests;
    },
    get remaining() {
      return Math.max(0, steps.length - requests.length);
    },
  };
}
