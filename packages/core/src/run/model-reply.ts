import type { ChatResponse } from '../model/chat-model.ts';
import { ModelRefusalError } from '../errors.ts';
import { secretRedactor } from '../secrets.ts';

// Longest refusal quoted in the error's message; the whole text stays on the error.
const REFUSAL_PREVIEW = 500;

/**
 * Throws a ModelRefusalError when the reply is a refusal or a content filter's verdict: that is the
 * provider's answer to this request (a retry gets the same), and an agent loop would only read it as
 * an empty reply until its step limit.
 */
export function throwIfDeclined(response: ChatResponse, modelName: string): void {
  const { refusal } = response;
  if (refusal !== undefined && refusal !== '') {
    const quoted = refusal.length > REFUSAL_PREVIEW ? `${refusal.slice(0, REFUSAL_PREVIEW)}…` : refusal;
    throw new ModelRefusalError(
      `The model '${modelName}' refused the request: ${JSON.stringify(quoted)}. Rephrase the task or the system prompt.`,
      { reason: 'refusal', refusal },
    );
  }
  if (response.finishReason === 'content_filter') {
    throw new ModelRefusalError(
      `The provider's content filter stopped the reply of model '${modelName}' (finish reason content_filter). ` +
        'Rephrase the task; the same request would be filtered again, so it is not retried.',
      { reason: 'content_filter' },
    );
  }
}

/**
 * The reply with known secrets removed from everything the model said (a server may echo the
 * request's key, a model may repeat one it saw); the same object when it held none.
 */
export function redactReply(response: ChatResponse): ChatResponse {
  const redact = secretRedactor();
  const content = response.content === null ? null : redact(response.content);
  const reasoning = response.reasoning === undefined ? undefined : redact(response.reasoning);
  const refusal = response.refusal === undefined ? undefined : redact(response.refusal);
  // Copied only when a call changes: the usual reply holds no secret and is passed on as it is.
  let toolCalls = response.toolCalls;
  response.toolCalls.forEach((call, index) => {
    const name = redact(call.name);
    const args = redact(call.arguments);
    if (name === call.name && args === call.arguments) return;
    if (toolCalls === response.toolCalls) toolCalls = [...toolCalls];
    toolCalls[index] = { ...call, name, arguments: args };
  });
  const same =
    content === response.content &&
    toolCalls === response.toolCalls &&
    reasoning === response.reasoning &&
    refusal === response.refusal;
  return same ? response : { ...response, content, toolCalls, reasoning, refusal };
}
