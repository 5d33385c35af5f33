// What startFakeOpenAI refuses before it listens (its options, every scripted answer) and what it
// refuses of a handler's answer: a misspelled option or answer would otherwise give a test a server
// that quietly does something else, or a request that hangs without a word.
import { ConfigurationError } from '@tinyagent/core';
import { checkMilliseconds, checkOptionKeys, checkStreamOptions } from '@tinyagent/core/internal';
import type { FakeOpenAIOptions } from './fake-openai-server.ts';

const OPTION_KEYS = [
  'script',
  'handler',
  'latencyMs',
  'models',
  'chunkSize',
  'chunkDelayMs',
  'keepAliveTimeoutMs',
  'recordRequests',
];

const FAULTS = ['hang', 'reset', 'malformed', 'empty_choices', 'truncated_stream'];

// The fields of each kind of answer, told apart by the first field listed.
const ANSWER_KEYS: Readonly<Record<string, readonly string[]>> = {
  raw: ['raw', 'status', 'contentType', 'delayMs'],
  streamError: ['streamError', 'content', 'status', 'delayMs'],
  fault: ['fault', 'delayMs'],
  status: ['status', 'message', 'type', 'code', 'retryAfter', 'headers', 'delayMs'],
  reply: ['content', 'toolCalls', 'reasoning', 'refusal', 'wire', 'finishReason', 'usage', 'delayMs'],
};

const ALL_ANSWER_KEYS = [...new Set(Object.values(ANSWER_KEYS).flat())];

const ANSWER_HINTS = {
  error:
    'The fake server fails a request with an HTTP error ({ status, message }), a fault ({ fault }) or an error ' +
    'inside a stream ({ streamError }); `{ error }` is for createScriptedModel.',
};

/** Throws a ConfigurationError for options startFakeOpenAI would misread, each scripted answer included. */
export function checkServerOptions(options: FakeOpenAIOptions): void {
  if (typeof options !== 'object' || (options as unknown) === null) {
    throw new ConfigurationError(
      'startFakeOpenAI needs an options object with a `script` (replies in order) or a `handler` (a function of the request).',
    );
  }
  checkOptionKeys(options, OPTION_KEYS, 'startFakeOpenAI');
  const { script, handler, latencyMs } = options;
  if ((script === undefined) === (handler === undefined)) {
    throw new ConfigurationError(
      'startFakeOpenAI needs exactly one of `script` (replies in order) or `handler` (a function of the request).',
    );
  }
  if (script !== undefined && !Array.isArray(script)) {
    throw new ConfigurationError(
      `startFakeOpenAI: script must be an array of answers, one a request; got ${typeof script}. ` +
        "For one reply, write `script: ['…']`.",
    );
  }
  if (handler !== undefined && typeof handler !== 'function') {
    throw new ConfigurationError(`startFakeOpenAI: handler must be a function of the request; got ${typeof handler}.`);
  }
  script?.forEach((answer, index) => {
    const problem = answerProblem(answer);
    if (problem !== undefined) throw new ConfigurationError(`startFakeOpenAI: script[${index}] ${problem}`);
  });
  checkStreamOptions('startFakeOpenAI', options);
  if (latencyMs !== undefined && !(typeof latencyMs === 'number' && Number.isFinite(latencyMs) && latencyMs >= 0)) {
    throw new ConfigurationError(
      `startFakeOpenAI: latencyMs must be a number of milliseconds from 0; got ${String(latencyMs)}.`,
    );
  }
  checkMilliseconds('startFakeOpenAI: keepAliveTimeoutMs', options.keepAliveTimeoutMs);
}

/**
 * What is wrong with an answer (a scripted one or a handler's), as the end of a sentence naming it;
 * undefined when the server can send it.
 */
export function answerProblem(answer: unknown): string | undefined {
  if (typeof answer === 'string') return undefined;
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) {
    return `is neither a reply text nor an answer object; got ${Array.isArray(answer) ? 'an array' : String(answer)}.`;
  }
  const kind = Object.keys(ANSWER_KEYS).find((key) => key !== 'reply' && key in answer) ?? 'reply';
  try {
    // A reply with a misspelled kind (`stauts`) is checked against every field, to name the one meant.
    if (kind === 'reply') checkOptionKeys(answer, ALL_ANSWER_KEYS, 'answer', ANSWER_HINTS);
    checkOptionKeys(answer, ANSWER_KEYS[kind] ?? [], 'answer', ANSWER_HINTS);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return `has a field no ${kind === 'reply' ? 'reply' : `\`${kind}\` answer`} takes: ${message.replace(/^answer: /, '')}`;
  }
  const fields = answer as Readonly<Record<string, unknown>>;
  const { delayMs } = fields;
  if (delayMs !== undefined && !(typeof delayMs === 'number' && Number.isFinite(delayMs) && delayMs >= 0)) {
    return `has a delayMs that is not a number of milliseconds from 0: ${shown(delayMs)}.`;
  }
  if (kind === 'fault' && !FAULTS.includes(fields.fault as string)) {
    return `asks for an unknown fault ${JSON.stringify(fields.fault)}; the faults are ${FAULTS.join(', ')}.`;
  }
  if (kind === 'raw' && typeof fields.raw !== 'string') {
    return `has a raw body that is not a string: ${typeof fields.raw}. JSON.stringify an object first.`;
  }
  const { status } = fields;
  if (kind === 'status' && !(Number.isInteger(status) && (status as number) >= 400 && (status as number) <= 599)) {
    return `has an error status that is not one from 400 to 599: ${shown(status)}. Send other replies with { raw, status }.`;
  }
  return undefined;
}

// A value as a message shows it: numbers and strings as JSON writes them, anything else by its type.
function shown(value: unknown): string {
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 50)) : typeof value;
}
