import type { CallToolResult, ContentBlock } from '@modelcontextprotocol/client';
import { redactSecrets } from '@tinyagent/core';

/** The longest result text, in characters, that a call hands to the model; the rest is cut with a note. */
export const MAX_RESULT_CHARS = 50_000;

/** The longest error text of an `isError` result, in characters. */
export const MAX_ERROR_CHARS = 2_000;

// A server may answer with thousands of blocks; past this many, they are counted, not described.
const MAX_BLOCKS = 200;

/**
 * What a tool call's result becomes for the model: the structured content when the tool declares an
 * output schema, else the text blocks joined, with images, audio and resources described in a few
 * words (never their base64). An `isError` result throws an Error whose message is the server's
 * text, so that it reaches the model as the tool's failure.
 */
export function resultForModel(result: CallToolResult, hasOutputSchema: boolean): unknown {
  if (result.isError === true) {
    const text = describeContent(result.content).trim();
    throw new Error(cut(text === '' ? 'the server reported an error without a message' : text, MAX_ERROR_CHARS));
  }
  if (hasOutputSchema && result.structuredContent !== undefined) {
    // Measured as JSON, like core will print it: a huge object falls back to the (cut) text.
    const json = JSON.stringify(result.structuredContent) as string | undefined;
    if (json !== undefined && json.length <= MAX_RESULT_CHARS) return result.structuredContent;
  }
  return cut(describeContent(result.content), MAX_RESULT_CHARS);
}

function describeContent(content: readonly ContentBlock[] | undefined): string {
  if (!Array.isArray(content)) return '';
  // Most results are one block: nothing to copy, map or join.
  if (content.length === 1) return describeBlock(content[0] as ContentBlock);
  const parts = content.slice(0, MAX_BLOCKS).map(describeBlock);
  if (content.length > MAX_BLOCKS) parts.push(`[${content.length - MAX_BLOCKS} more content blocks left out]`);
  return parts.join('\n');
}

function describeBlock(block: ContentBlock): string {
  switch (block.type) {
    case 'text':
      return cut(block.text, MAX_RESULT_CHARS);
    case 'image':
    case 'audio':
      return `[${block.type}: ${short(block.mimeType)}, ${formatBytes(base64Bytes(block.data))}]`;
    case 'resource_link':
      return `[resource link: ${short(block.name)} <${short(block.uri)}>${block.mimeType === undefined ? '' : `, ${short(block.mimeType)}`}]`;
    case 'resource': {
      const { resource } = block;
      const size = 'blob' in resource ? base64Bytes(resource.blob) : new TextEncoder().encode(resource.text).length;
      const mime = resource.mimeType === undefined ? '' : `, ${short(resource.mimeType)}`;
      return `[resource: <${short(resource.uri)}>${mime}, ${formatBytes(size)}]`;
    }
    default:
      return `[content of type ${short(String((block as { type: unknown }).type))} left out]`;
  }
}

// Names, URIs and mime types come from the server: a few hundred characters say what they are.
function short(text: string): string {
  return cut(text, 200);
}

function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  // Redacted before cutting, so that a secret cut in two is not missed later.
  const redacted = redactSecrets(text);
  if (redacted.length <= max) return redacted;
  return `${redacted.slice(0, max)} [... ${redacted.length - max} more characters cut]`;
}

function base64Bytes(data: string): number {
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((data.length * 3) / 4) - padding);
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
