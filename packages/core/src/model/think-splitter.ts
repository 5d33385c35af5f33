// `splitThinking` (reply-content.ts) splits a whole reply's `<think>…</think>` from its answer; this
// does the same to content that arrives in pieces, so streamed thinking is never shown as answer
// text. It scans each character once and holds back at most a partial tag (and leading white space).

import { CLOSE_TAG, isSpace, OPEN_TAG } from './reply-content.ts';

// Leading white space held while a `<think>` may still follow it; more is released as text.
const MAX_HELD_SPACE = 256;

/** Where the splitter is: before the first visible character, in the thinking, just after it, in the answer. */
type Place = 'start' | 'thinking' | 'after' | 'text';

/**
 * Splits streamed content into answer text and reasoning as `splitThinking` splits the whole:
 * `<think>…</think>` at the start (after white space) is reasoning, the rest is text. Pieces go to
 * `send` as they become certain; white space at the edges of the thinking may differ from the
 * trimmed reply.
 */
export class ThinkSplitter {
  readonly #send: (kind: 'text' | 'reasoning', text: string) => void;
  #place: Place = 'start';
  #held = '';
  // At the start: how many of the held characters are white space.
  #spaces = 0;
  // In the thinking: true until its first visible character (the whole reply's reasoning is trimmed).
  #leading = true;

  /** A splitter that hands each certain piece to `send`. */
  constructor(send: (kind: 'text' | 'reasoning', text: string) => void) {
    this.#send = send;
  }

  /** Takes the next piece of the content. */
  push(piece: string): void {
    if (piece === '') return;
    switch (this.#place) {
      case 'text':
        this.#send('text', piece);
        return;
      case 'start':
        this.#start(piece);
        return;
      case 'thinking':
        this.#thinking(piece);
        return;
      case 'after':
        this.#after(piece);
        return;
    }
  }

  /** The content has ended: what was held is sent as what it turned out to be. */
  end(): void {
    const held = this.#held;
    this.#held = '';
    if (held === '') return;
    // Content that never got past white space or a partial `<think` is text, as splitThinking has it;
    // a partial `</think>` is the end of the thinking.
    this.#send(this.#place === 'thinking' ? 'reasoning' : 'text', held);
  }

  #start(piece: string): void {
    const buffer = this.#held + piece;
    // The held characters are white space (already scanned), then perhaps a partial tag.
    let index = this.#spaces;
    while (index < buffer.length && isSpace(buffer.charAt(index))) index += 1;
    if (index >= buffer.length) {
      // White space that goes on and on is released as text: the hold stays bounded.
      if (buffer.length > MAX_HELD_SPACE) this.#send('text', buffer);
      this.#held = buffer.length > MAX_HELD_SPACE ? '' : buffer;
      this.#spaces = this.#held.length;
      return;
    }
    this.#spaces = index;
    const rest = buffer.slice(index);
    if (rest.length < OPEN_TAG.length && OPEN_TAG.startsWith(rest)) {
      this.#held = buffer;
      return;
    }
    this.#held = '';
    if (!rest.startsWith(OPEN_TAG)) {
      this.#place = 'text';
      this.#send('text', buffer);
      return;
    }
    this.#place = 'thinking';
    this.#thinking(rest.slice(OPEN_TAG.length));
  }

  #thinking(piece: string): void {
    let text = piece;
    if (this.#leading) {
      text = text.trimStart();
      if (text === '') return;
      this.#leading = false;
    }
    const buffer = this.#held + text;
    const end = buffer.indexOf(CLOSE_TAG);
    if (end !== -1) {
      this.#held = '';
      if (end > 0) this.#send('reasoning', buffer.slice(0, end));
      this.#place = 'after';
      this.#after(buffer.slice(end + CLOSE_TAG.length));
      return;
    }
    const keep = partialTagLength(buffer);
    this.#held = buffer.slice(buffer.length - keep);
    if (buffer.length > keep) this.#send('reasoning', buffer.slice(0, buffer.length - keep));
  }

  #after(piece: string): void {
    const text = piece.trimStart();
    if (text === '') return;
    this.#place = 'text';
    this.#send('text', text);
  }
}

// The length of the longest end of `text` that begins `</think>`.
function partialTagLength(text: string): number {
  for (let length = Math.min(CLOSE_TAG.length - 1, text.length); length > 0; length -= 1) {
    if (CLOSE_TAG.startsWith(text.slice(text.length - length))) return length;
  }
  return 0;
}
