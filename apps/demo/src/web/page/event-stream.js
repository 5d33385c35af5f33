// Reads server-sent events from a fetch response. EventSource would be shorter, but it can only GET
// and it reconnects on its own: a reconnect would ask the question again, or replay a decision.

/**
 * One server-sent event: its `event` name and its `data` text.
 * @typedef {{ event: string, data: string }} ServerSentEvent
 */

/**
 * Yields the events of a `text/event-stream` body as they arrive. Returning early (a `break`)
 * cancels the body, which closes the connection: the server then stops the run.
 * @param {ReadableStream<Uint8Array>} body
 * @returns {AsyncGenerator<ServerSentEvent>}
 */
export async function* readEventStream(body) {
  const reader = body.getReader();
  // One decoder for the whole body: a character split across two chunks is decoded whole.
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true }).replaceAll('\r\n', '\n');
      let end = buffer.indexOf('\n\n');
      while (end !== -1) {
        const event = parseFrame(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        if (event !== undefined) yield event;
        end = buffer.indexOf('\n\n');
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/**
 * @param {string} frame
 * @returns {ServerSentEvent | undefined}
 */
function parseFrame(frame) {
  let event = 'message';
  /** @type {string[]} */
  const data = [];
  for (const line of frame.split('\n')) {
    // A line starting with a colon is a comment: a keep-alive.
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    if (field === 'data') data.push(value);
  }
  return data.length === 0 && event === 'message' ? undefined : { event, data: data.join('\n') };
}
