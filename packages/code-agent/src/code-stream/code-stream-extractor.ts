// For streamed replies (issue #16): as a code-agent reply arrives in text deltas, this extractor
// yields the characters of the code block the agent will run, so the protocol can show the code
// while the model writes it. It follows `extractCode` (code-extraction.ts) line by line: the first
// block fenced with backticks or tildes and tagged js/ts (or not tagged) that holds code, indented
// fences dedented, line ends normalized; the fence lines are never yielded, blocks in other languages
// are skipped. Text is held back only while it may still be dropped: whitespace at the end (the code
// is trimmed), a line that may be a closing fence, and a last line that may be a cut-off stop
// sequence. The `<code>` fallback is taken only when the reply has no fenced code, so its text comes
// from `end`.
//
// One pass, constant work per character. Memory: the held-back text (whitespace and at most one
// short line; past MAX_HELD characters it is yielded, which is wrong only for a block that ends in,
// or holds nothing but, that much whitespace) and the text of a `<code>` element until fenced code
// appears.
import { CodeElementReader } from './code-element-reader.ts';
import { isCodeTag } from '../code-extraction.ts';
import { LineShape } from './line-shape.ts';
import { OpeningFenceReader } from './opening-fence-reader.ts';
import type { OpeningFence } from './opening-fence-reader.ts';

/** An incremental reader of the code in a streamed code-agent reply. */
export interface CodeStreamExtractor {
  /** Reads the next piece of the reply and returns the code characters it completed (often ''). */
  push(chunk: string): string;
  /** Ends the reply: returns the code characters held back until its end (or the `<code>` fallback). */
  end(): string;
}

const MAX_HELD = 64 * 1024;

/** Creates an extractor for one reply; use a new one for every model call. */
export function createCodeStreamExtractor(): CodeStreamExtractor {
  const extractor = new StreamExtractor();
  return { push: (chunk) => extractor.push(chunk), end: () => extractor.end() };
}

class StreamExtractor {
  // Outside any block, inside one that holds code, inside one in another language, or done.
  private state: 'outside' | 'code' | 'other' | 'found' = 'outside';
  private element: CodeElementReader | undefined = new CodeElementReader();
  private readonly opening = new OpeningFenceReader();
  private readonly line = new LineShape();
  private fence: OpeningFence | undefined;
  // Blanks still to be removed from the start of the current line of an indented block.
  private dedentLeft = 0;
  private afterCarriageReturn = false;
  private yielded = false;
  // Code not yielded yet, and how much of it ends at its last character that is not whitespace.
  private held = '';
  private heldContentEnd = 0;
  private out = '';

  push(chunk: string): string {
    this.out = '';
    for (let index = 0; index < chunk.length && this.state !== 'found'; index += 1) {
      const character = chunk.charAt(index);
      this.element?.read(character);
      // Line ends are normalized as `extractCode` does: \r\n and a lone \r are both \n.
      if (character === '\n' && this.afterCarriageReturn) {
        this.afterCarriageReturn = false;
        continue;
      }
      this.afterCarriageReturn = character === '\r';
      if (character === '\n' || character === '\r') this.endLine();
      else this.readCharacter(character);
    }
    return this.out;
  }

  end(): string {
    this.out = '';
    if (this.state === 'code') this.endReplyInBlock();
    if (this.state !== 'found') this.out += this.element?.end() ?? '';
    this.state = 'found';
    return this.out;
  }

  private readCharacter(character: string): void {
    const space = isSpace(character);
    if (this.state === 'outside') {
      this.opening.read(character, space);
      return;
    }
    if (this.dedentLeft > 0 && (character === ' ' || character === '\t')) {
      this.dedentLeft -= 1;
      return;
    }
    this.dedentLeft = 0;
    const firstContent = !space && !this.line.hasContent;
    this.line.read(character, space);
    if (this.state === 'other') return;
    if (space) {
      this.hold(character);
    } else if (!this.line.mayBeSpecial()) {
      this.yieldHeld(this.held.length);
      this.yieldText(character);
    } else {
      // This line may be the last one and dropped: what came before it is code for sure, and what
      // lies between is whitespace that only code after it would keep.
      if (firstContent) this.yieldHeld(this.heldContentEnd);
      this.hold(character);
      this.heldContentEnd = this.held.length;
    }
  }

  private endLine(): void {
    if (this.state === 'outside') {
      this.openBlock(this.opening.end());
      this.opening.reset();
      return;
    }
    const fence = this.fence;
    if (fence !== undefined && this.line.closes(fence.marker, fence.length)) {
      this.closeBlock();
      return;
    }
    if (this.state === 'code') {
      // A complete line that is neither a fence nor a possible cut-off end is code.
      if (this.line.hasContent && !this.line.isCutOff()) this.yieldHeld(this.heldContentEnd);
      this.hold('\n');
    }
    this.startLine();
  }

  private openBlock(fence: OpeningFence | undefined): void {
    if (fence === undefined) return;
    this.fence = fence;
    this.state = isCodeTag(fence.tag) ? 'code' : 'other';
    this.held = '';
    this.heldContentEnd = 0;
    this.startLine();
  }

  // The code of a closed block is trimmed at its end: the held whitespace goes. A block with no code
  // is skipped, as `extractCode` does, and the search goes on.
  private closeBlock(): void {
    this.state = this.state === 'code' && this.yielded ? 'found' : 'outside';
    this.held = '';
    this.heldContentEnd = 0;
    this.opening.reset();
  }

  // The reply ended inside a code block: its last line goes if it is a cut-off fence or stop sequence.
  private endReplyInBlock(): void {
    const fence = this.fence;
    if (fence !== undefined && this.line.closes(fence.marker, fence.length)) {
      this.closeBlock();
      return;
    }
    if (this.line.hasContent && !this.line.isCutOff()) this.yieldHeld(this.heldContentEnd);
    if (this.yielded) this.state = 'found';
  }

  private startLine(): void {
    this.line.reset();
    this.dedentLeft = this.fence?.indent ?? 0;
  }

  private hold(text: string): void {
    this.held += text;
    // Bounded memory over exactness: only a block ending in this much whitespace reads differently.
    if (this.held.length > MAX_HELD) this.yieldHeld(this.held.length);
  }

  private yieldHeld(length: number): void {
    if (length === 0) return;
    this.yieldText(this.held.slice(0, length));
    this.held = this.held.slice(length);
    this.heldContentEnd = Math.max(0, this.heldContentEnd - length);
  }

  private yieldText(text: string): void {
    this.out += text;
    this.yielded = true;
    // Fenced code wins over any `<code>` element: that one is no longer needed.
    this.element = undefined;
  }
}

// Whitespace as String.prototype.trim sees it, which is what `extractCode` trims.
function isSpace(character: string): boolean {
  const code = character.charCodeAt(0);
  if (code === 0x20 || (code >= 0x09 && code <= 0x0d)) return true;
  return code >= 0x80 && character.trim() === '';
}
