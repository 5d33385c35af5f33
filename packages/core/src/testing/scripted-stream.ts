import { raceAbort, sleep } from '../abort.ts';
import { ConfigurationError } from '../errors.ts';
import type { ModelDelta } from '../model/chat-model.ts';
import type { NormalizedReply } from './replies.ts';

/** How the scripted model streams a reply to a request's `onDelta`. */
export interface ScriptedStreamOptions {
  /** Characters of text (reasoning, content, arguments) per delta; default 8. */
  chunkSize?: number | undefined;
  /** Pause between deltas, to stream as a slow model does; default 0 (none). */
  chunkDelayMs?: number | undefined;
}

/**
 * Throws a ConfigurationError unless `chunkSize` (when given) is a whole number of characters from 1
 * and `chunkDelayMs` a number of milliseconds from 0: a NaN or a fraction would otherwise stream an
 * empty or cut reply without a word. `owner` names the call in the message.
 */
export function checkStreamOptions(owner: string, options: ScriptedStreamOptions): void {
  const { chunkSize, chunkDelayMs } = options;
  if (chunkSize !== undefined && !(Number.isSafeInteger(chunkSize) && chunkSize >= 1)) {
    throw new ConfigurationError(
      `${owner}: chunkSize must be a whole number of characters from 1; got ${String(chunkSize)}.`,
    );
  }
  if (
    chunkDelayMs !== undefined &&
    !(typeof chunkDelayMs === 'number' && Number.isFinite(chunkDelayMs) && chunkDelayMs >= 0)
  ) {
    throw new ConfigurationError(
      `${owner}: chunkDelayMs must be a number of milliseconds from 0; got ${String(chunkDelayMs)}.`,
    );
  }
}

/**
 * Sends `reply` to `onDelta` in pieces, as a model that streams would: the reasoning, the content,
 * then each tool call (its id and name, then its arguments). Waits for a promise `onDelta` returns,
 * and for the pause between pieces; rejects with the abort reason when `signal` aborts.
 */
export async function streamScriptedReply(
  reply: NormalizedReply,
  onDelta: (delta: ModelDelta) => void | Promise<void>,
  options: ScriptedStreamOptions,
  signal: AbortSignal | undefined,
): Promise<void> {
  const size = Math.max(1, options.chunkSize ?? 8);
  const deltas: ModelDelta[] = [];
  for (const text of pieces(reply.reasoning ?? '', size)) deltas.push({ type: 'reasoning', attempt: 1, text });
  for (const text of pieces(reply.content ?? '', size)) deltas.push({ type: 'text', attempt: 1, text });
  reply.toolCalls.forEach((call, index) => {
    deltas.push({ type: 'tool-call', attempt: 1, index, id: call.id, name: call.name, arguments: '' });
    for (const text of pieces(call.arguments, size)) {
      deltas.push({ type: 'tool-call', attempt: 1, index, arguments: text });
    }
  });
  for (const [index, delta] of deltas.entries()) {
    if (index > 0 && (options.chunkDelayMs ?? 0) > 0) await sleep(options.chunkDelayMs ?? 0, signal);
    const wait = onDelta(delta);
    if (wait !== undefined) await raceAbort(wait, signal);
  }
}

function pieces(text: string, size: number): string[] {
  const result: string[] = [];
  for (let start = 0; start < text.length; start += size) result.push(text.slice(start, start + size));
  return result;
}
