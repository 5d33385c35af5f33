// The call measured by the MCP measurement: server-everything's `echo` tool, a different message per
// call, and the checks of what comes back through either client.

/** The message of call `seed`: short, and different per call so no layer can answer from a cache. */
export function echoMessage(seed: number): string {
  return `bench message ${seed}`;
}

/** What server-everything's `echo` answers to `message`. */
export function expectedEcho(message: string): string {
  return `Echo: ${message}`;
}

/**
 * The text blocks of a `tools/call` result, joined as TinyAgent joins them; undefined when the
 * result is not the SDK's shape (no `content` array) or holds no text.
 */
export function textOfResult(result: unknown): string | undefined {
  if (typeof result !== 'object' || result === null || !('content' in result)) return undefined;
  const { content } = result;
  if (!Array.isArray(content)) return undefined;
  const texts = content.flatMap((block: unknown) =>
    typeof block === 'object' && block !== null && 'type' in block && block.type === 'text' && 'text' in block
      ? [String(block.text)]
      : [],
  );
  return texts.length === 0 ? undefined : texts.join('\n');
}

/** Why `text` is not the echo of `message`, or undefined when it is. */
export function echoProblem(message: string, text: string | undefined): string | undefined {
  const expected = expectedEcho(message);
  return text === expected ? undefined : `expected ${JSON.stringify(expected)}, got ${JSON.stringify(text)}`;
}
