// What createScriptedModel refuses of a step: a misspelt field (`contnet`, `toolcalls`) would make a
// reply that quietly says something else, and a test would pass or fail for a reason it never shows.
import { ConfigurationError } from '../errors.ts';
import { checkOptionKeys } from '../run/option-keys.ts';

const REPLY_KEYS = ['content', 'toolCalls', 'reasoning', 'refusal', 'wire', 'finishReason', 'usage', 'delayMs'];
const FAILURE_KEYS = ['error', 'delayMs'];
const TOOL_CALL_KEYS = ['name', 'arguments', 'id'];

// The fake server's answers, written for the scripted model by mistake.
const SERVER_ANSWER_HINT =
  'The scripted model fails a call with { error: new Error(...) }; { status }, { fault } and { raw } are answers of ' +
  'startFakeOpenAI (@tinyagent/testing).';
const REPLY_HINTS = { status: SERVER_ANSWER_HINT, fault: SERVER_ANSWER_HINT, raw: SERVER_ANSWER_HINT };

/** Throws a ConfigurationError naming step `index` when it is not a reply, a failure or a function. */
export function checkScriptedStep(step: unknown, index: number): void {
  const owner = `createScriptedModel: step ${index}`;
  if (typeof step === 'string' || typeof step === 'function') return;
  if (typeof step !== 'object' || step === null || Array.isArray(step)) {
    throw new ConfigurationError(
      `${owner} must be a reply text, a reply object, { error } or a function of the request; got ${Array.isArray(step) ? 'an array' : String(step)}.`,
    );
  }
  if ('error' in step) {
    checkOptionKeys(step, FAILURE_KEYS, owner);
    if (!(step.error instanceof Error)) {
      throw new ConfigurationError(`${owner}: error must be an Error, e.g. { error: new Error('down') }.`);
    }
    return;
  }
  checkOptionKeys(step, REPLY_KEYS, owner, REPLY_HINTS);
  const { toolCalls } = step as { toolCalls?: unknown };
  if (toolCalls === undefined) return;
  if (!Array.isArray(toolCalls)) {
    throw new ConfigurationError(
      `${owner}: toolCalls must be an array such as [{ name: 'add', arguments: { a: 1 } }].`,
    );
  }
  toolCalls.forEach((call: unknown, position) => {
    if (typeof call !== 'object' || call === null || typeof (call as { name?: unknown }).name !== 'string') {
      throw new ConfigurationError(`${owner}: toolCalls[${position}] needs a name, as { name: 'add', arguments }.`);
    }
    checkOptionKeys(call, TOOL_CALL_KEYS, `${owner}: toolCalls[${position}]`);
  });
}
