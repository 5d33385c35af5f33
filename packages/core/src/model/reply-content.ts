// What OpenAI-compatible servers put in a reply's `content`, beyond OpenAI's plain string: Mistral
// and Magistral send an array of typed parts (text, and thinking parts holding the model's
// reasoning); DeepSeek, vLLM, Qwen and OpenRouter send reasoning beside the content; many local
// servers leave it inside the content as `<think>…</think>`. The run uses the answer; the
// reasoning is kept apart, never in the answer. Everything here scans linearly: replies are untrusted.

/** Text and reasoning read from one `content` value (a string or a list of parts). */
export interface ContentText {
  /** The text parts joined; undefined when the value held no text at all. */
  text: string | undefined;
  /** The thinking parts joined; '' when there were none. */
  reasoning: string;
}

/** Reads a message's (or a stream delta's) `content`: a string, or an array of typed parts. */
export function readContent(value: unknown): ContentText {
  if (typeof value === 'string') return { text: value, reasoning: '' };
  if (!Array.isArray(value)) return { text: undefined, reasoning: '' };
  let text: string | undefined;
  let reasoning = '';
  for (const part of value as unknown[]) {
    // Parts are typed objects; anything else (bare strings included) is no shape a provider sends.
    if (typeof part !== 'object' || part === null) continue;
    const { type, text: partText, thinking } = part as Record<string, unknown>;
    if ((type === 'text' || type === undefined) && typeof partText === 'string') text = (text ?? '') + partText;
    else if (type === 'thinking' || type === 'reasoning') reasoning += thinkingText(thinking ?? partText);
  }
  return { text, reasoning };
}

// A thinking part holds its text directly or as a list of text parts (Magistral).
function thinkingText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) return '';
  return (value as unknown[])
    .map((part) => {
      if (typeof part === 'string') return part;
      const { text } = (typeof part === 'object' && part !== null ? part : {}) as Record<string, unknown>;
      return typeof text === 'string' ? text : '';
    })
    .join('');
}

/** The tag that opens a reply's thinking; ThinkSplitter reads streamed content by the same tags. */
export const OPEN_TAG = '<think>';
/** The tag that closes a reply's thinking. */
export const CLOSE_TAG = '</think>';

/**
 * Splits `<think>…</think>` at the start of `content` (after white space) from the answer. A reply
 * cut off inside the thinking is all reasoning and no answer.
 */
export function splitThinking(content: string): { content: string; reasoning: string | undefined } {
  const start = firstNonSpace(content);
  if (!content.startsWith(OPEN_TAG, start)) return { content, reasoning: undefined };
  const end = content.indexOf(CLOSE_TAG, start + OPEN_TAG.length);
  if (end === -1) return { content: '', reasoning: content.slice(start + OPEN_TAG.length).trim() };
  return {
    content: content.slice(end + CLOSE_TAG.length).trimStart(),
    reasoning: content.slice(start + OPEN_TAG.length, end).trim(),
  };
}

function firstNonSpace(text: string): number {
  let index = 0;
  while (index < text.length && isSpace(text.charAt(index))) index += 1;
  return index;
}

/** Whether `character` is white space, as splitThinking skips it before `<think>`. */
export function isSpace(character: string): boolean {
  return /\s/.test(character);
}

/** The reasoning fields servers send beside the content: `reasoning_content` (DeepSeek, vLLM, Qwen), `reasoning` (OpenRouter, Ollama). */
export function reasoningField(message: Readonly<Record<string, unknown>>): string {
  const { reasoning_content: reasoningContent, reasoning } = message;
  if (typeof reasoningContent === 'string') return reasoningContent;
  return typeof reasoning === 'string' ? reasoning : '';
}

/**
 * The content and reasoning of a whole reply: the text parts are the content (think tags split
 * off), the reasoning fields, thinking parts and think tags together are the reasoning.
 */
export function finishContent(
  text: string | undefined,
  reasoningParts: readonly string[],
): { content: string | null; reasoning: string | undefined } {
  const split = text === undefined ? { content: null, reasoning: undefined } : splitThinking(text);
  // Every reply passes here, and most have no reasoning: the parts are joined without a copy of the list.
  let reasoning = '';
  for (const part of reasoningParts) reasoning = joinPart(reasoning, part);
  reasoning = joinPart(reasoning, split.reasoning ?? '');
  return { content: split.content, reasoning: reasoning === '' ? undefined : reasoning };
}

function joinPart(joined: string, part: string): string {
  if (part === '') return joined;
  return joined === '' ? part : `${joined}\n${part}`;
}
