// The `<code>` fallback of the streamed-code extractor (code-stream-extractor.ts): `extractCode`
// takes the first `<code>` element only when the reply has no usable fenced block, which is known at
// the end of the reply alone, so this reader keeps that element's text until then and decides in
// `end`. It is the one part of the extractor whose memory grows with the reply: the element's text
// is what it may have to return.
import { decodeEntities, removePartialStop } from '../code-extraction.ts';

const OPEN_TAG = '<code';
const CLOSE_TAG = '</code>';

/** Reads the first `<code>` element of a reply as it streams in, one character at a time. */
export class CodeElementReader {
  private phase: 'search' | 'after-name' | 'attributes' | 'content' | 'closed' = 'search';
  // Characters of OPEN_TAG (while searching) or CLOSE_TAG (in the content) matched so far.
  private matched = 0;
  private partialClose = '';
  private content = '';

  /** Reads the next character of the reply, as the model wrote it (line ends not normalized). */
  read(character: string): void {
    switch (this.phase) {
      case 'search':
        this.search(character);
        return;
      case 'after-name':
        // `<code>`, or `<code` and attributes: `<codex>` is another element.
        if (character === '>') this.phase = 'content';
        else if (character.trim() === '') this.phase = 'attributes';
        else {
          this.phase = 'search';
          this.search(character);
        }
        return;
      case 'attributes':
        if (character === '>') this.phase = 'content';
        return;
      case 'content':
        this.readContent(character);
        return;
      case 'closed':
        return;
    }
  }

  /** The element's code as `extractCode` takes it (entities decoded, end trimmed); '' when there is none. */
  end(): string {
    if (this.phase !== 'content' && this.phase !== 'closed') return '';
    const text = this.phase === 'content' ? this.content + this.partialClose : this.content;
    const code = removePartialStop(decodeEntities(text), false);
    return code.trim() === '' ? '' : code;
  }

  private search(character: string): void {
    if (character.toLowerCase() === OPEN_TAG[this.matched]) {
      this.matched += 1;
      if (this.matched === OPEN_TAG.length) {
        this.phase = 'after-name';
        this.matched = 0;
      }
    } else {
      this.matched = character === '<' ? 1 : 0;
    }
  }

  private readContent(character: string): void {
    if (character.toLowerCase() === CLOSE_TAG[this.matched]) {
      this.matched += 1;
      this.partialClose += character;
      if (this.matched === CLOSE_TAG.length) this.phase = 'closed';
      return;
    }
    // `<` opens every tag and appears nowhere else in CLOSE_TAG, so a failed match restarts only there.
    this.content += this.partialClose;
    this.matched = character === '<' ? 1 : 0;
    this.partialClose = character === '<' ? '<' : '';
    if (character !== '<') this.content += character;
  }
}
