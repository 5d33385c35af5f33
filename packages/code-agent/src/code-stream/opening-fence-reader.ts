// The opening-fence test of `extractCode` (code-extraction.ts), one character at a time, for the
// streamed-code extractor: blanks, three or more backticks or tildes, then an info string without a
// backtick whose first word is the tag. Constant memory: the tag is kept up to MAX_TAG characters,
// past which it can name no language the agent runs.

const MAX_TAG = 16;

/** A fence that opens a block: its indentation, marker character and length, and lower-case tag. */
export interface OpeningFence {
  indent: number;
  marker: string;
  length: number;
  tag: string;
}

/** Reads one line, outside any block, to tell whether it opens one. */
export class OpeningFenceReader {
  private phase: 'indent' | 'marker' | 'info' | 'tag' | 'rest' | 'none' = 'indent';
  private indent = 0;
  private marker = '';
  private length = 0;
  private tag = '';
  private tagTooLong = false;

  /** Forgets the line: the next character starts a new one. */
  reset(): void {
    this.phase = 'indent';
    this.indent = 0;
    this.marker = '';
    this.length = 0;
    this.tag = '';
    this.tagTooLong = false;
  }

  /** Reads one character of the line (never a line end); `space` tells whether it is whitespace. */
  read(character: string, space: boolean): void {
    switch (this.phase) {
      case 'indent':
        if (character === ' ' || character === '\t') this.indent += 1;
        else if (character === '`' || character === '~') {
          this.phase = 'marker';
          this.marker = character;
          this.length = 1;
        } else this.phase = 'none';
        return;
      case 'marker':
        if (character === this.marker) {
          this.length += 1;
          return;
        }
        this.phase = this.length < 3 ? 'none' : 'info';
        if (this.phase === 'info') this.read(character, space);
        return;
      case 'info':
      case 'tag':
      case 'rest':
        this.readInfo(character, space);
        return;
      case 'none':
        return;
    }
  }

  /** The fence the line opens, once it is complete; undefined when it opens none. */
  end(): OpeningFence | undefined {
    if (this.phase === 'none' || this.phase === 'indent' || this.length < 3) return undefined;
    // A tag too long for any language the agent runs must not read as the empty tag.
    const tag = this.tagTooLong ? '?' : this.tag.toLowerCase();
    return { indent: this.indent, marker: this.marker, length: this.length, tag };
  }

  // The info string: a backtick anywhere in it means no fence; its first word is the tag.
  private readInfo(character: string, space: boolean): void {
    if (character === '`') this.phase = 'none';
    else if (this.phase === 'info' && !space) {
      this.phase = 'tag';
      this.tag = character;
    } else if (this.phase === 'tag') {
      if (space) this.phase = 'rest';
      else if (this.tag.length < MAX_TAG) this.tag += character;
      else this.tagTooLong = true;
    }
  }
}
