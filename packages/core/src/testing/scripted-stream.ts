import { raceAbort, sleep } from '../abort.ts';
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
