import type { ChatMessage } from './model/chat-model.ts';

/**
 * `text` trimmed and without its closing full stops, for quoting inside a sentence of our own that
 * supplies its own: "aborted: user left." rather than "aborted: user left..". Scans from the end.
 */
export function withoutClosingStop(text: string): string {
  let end = text.length;
  while (end > 0 && (text[end - 1] === '.' || text[end - 1]?.trim() === '')) end -= 1;
  return text.slice(0, end).trimStart();
}

/** The text of the last assistant message of `messages`, for errors that quote the model's last word. */
export function lastAssistantText(messages: readonly ChatMessage[]): string | undefined {
  for (let index = messages.length - 1; index >= 0; index -= 1) {
    const message = messages[index];
    if (message?.role === 'assistant') return message.content ?? undefined;
  }
  return undefined;
}
