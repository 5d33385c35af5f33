// What the streamed-code extractor (code-stream-extractor.ts) needs to know about the line it is
// reading before the line ends: whether it may still be a fence or a cut-off stop sequence (then its
// text is held back), and, at its end, which of them it is. Constant memory per line: a marker count
// and at most MAX_TEXT characters of the trimmed line.
import { STOP_SEQUENCES, isCutOffLine } from '../code-extraction.ts';

const STOP_TEXTS = STOP_SEQUENCES.map((stop) => stop.trim());
// Longer than every stop sequence and every partial fence: a longer line is neither.
const MAX_TEXT = Math.max(3, ...STOP_TEXTS.map((stop) => stop.length)) + 1;

/** Tracks one line's trimmed content as its characters arrive. */
export class LineShape {
  private started = false;
  private marker = '';
  private markerCount = 0;
  private markersOnly = false;
  // The trimmed line so far, up to MAX_TEXT characters; whitespace is added once content follows it.
  private text = '';
  private spaceAfterText = '';
  private overflow = false;

  /** Forgets the line: the next character starts a new one. */
  reset(): void {
    this.started = false;
    this.marker = '';
    this.markerCount = 0;
    this.markersOnly = false;
    this.text = '';
    this.spaceAfterText = '';
    this.overflow = false;
  }

  /** True once the line has a character that is not whitespace. */
  get hasContent(): boolean {
    return this.started;
  }

  /** Reads one character of the line (never a line end); `space` tells whether it is whitespace. */
  read(character: string, space: boolean): void {
    if (space) {
      if (this.started) this.spaceAfterText += character;
      return;
    }
    if (!this.started) {
      this.started = true;
      this.markersOnly = character === '`' || character === '~';
      this.marker = character;
    } else if (this.markersOnly && (character !== this.marker || this.spaceAfterText !== '')) {
      this.markersOnly = false;
    }
    if (this.markersOnly) this.markerCount += 1;
    if (this.text.length + this.spaceAfterText.length + 1 > MAX_TEXT) this.overflow = true;
    else this.text += this.spaceAfterText + character;
    this.spaceAfterText = '';
  }

  /** Whether the line, once complete, may be a closing fence or a cut-off stop sequence. */
  mayBeSpecial(): boolean {
    if (this.markersOnly) return true;
    return !this.overflow && STOP_TEXTS.some((stop) => stop.startsWith(this.text));
  }

  /** Whether the line so far, if complete, closes a block opened with `markerCount` of `marker`. */
  closes(marker: string, markerCount: number): boolean {
    return this.markersOnly && this.marker === marker && this.markerCount >= markerCount;
  }

  /** Whether the line so far, if it ends the reply inside a block, is dropped from the code. */
  isCutOff(): boolean {
    if (this.markersOnly) return this.markerCount <= 2 && isCutOffLine(this.text);
    return this.started && !this.overflow && isCutOffLine(this.text);
  }
}
