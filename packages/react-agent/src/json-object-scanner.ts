// A strict, incremental JSON scanner for one object, one character at a time, for the streamed-answer
// decoder (json-answer-decoder.ts). It accepts exactly what JSON.parse accepts for an object, so the
// decoder knows when the parser would reject the text, and it reports the keys of the top-level object
// and the string value of the key its listener picks. Its state is constant-size but for the stack of
// open containers, which stops growing at MAX_DEPTH: deeper than that, only brackets and strings are
// followed (a valid value is still read right; an invalid one there may go unnoticed).

/** What the scanner tells about the top-level object as it reads it. */
export interface TopLevelListener {
  /** A key of the top-level object starts. */
  keyStart(): void;
  /** One decoded character of that key. */
  keyCharacter(character: string): void;
  /** The key ended; return true to have its value reported, when the value is a string. */
  keyEnd(): boolean;
  /** Decoded text of the reported string value. */
  valueText(text: string): void;
  /** The reported string value closed. */
  valueEnd(): void;
}

/** After a character: the object goes on, was closed (valid), or can no longer be valid JSON. */
export type ScanResult = 'more' | 'complete' | 'invalid';

type Mode =
  | 'start'
  | 'key-or-close'
  | 'key'
  | 'colon'
  | 'value'
  | 'value-or-close'
  | 'after-value'
  | 'string'
  | 'number'
  | 'literal'
  | 'deep';

// What the string being read is: a key of the top-level object, another key, the reported value, or
// another value.
type StringRole = 'top-key' | 'key' | 'reported' | 'value';

const MAX_DEPTH = 256;
const NO_ESCAPE = -1;
// The number grammar, as states: after '-', after a leading 0, in the integer digits, after '.', in
// the fraction, after 'e', after the exponent's sign, in the exponent.
const AFTER_MINUS = 0;
const AFTER_ZERO = 1;
const INTEGER = 2;
const AFTER_POINT = 3;
const FRACTION = 4;
const AFTER_E = 5;
const AFTER_EXPONENT_SIGN = 6;
const EXPONENT = 7;
const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/** Scans one JSON object incrementally; `reset` before each object. */
export class JsonObjectScanner {
  private mode: Mode = 'start';
  // One entry per open container: true for an object, false for an array.
  private readonly stack: boolean[] = [];
  private role: StringRole = 'value';
  // NO_ESCAPE, 0 right after a backslash, or 1 to 4 while reading the hex digits of \uXXXX.
  private escape = NO_ESCAPE;
  private hex = 0;
  private reportNext = false;
  private numberState = INTEGER;
  private literal = '';
  private literalIndex = 0;
  private deepDepth = 0;
  private deepInString = false;
  private deepEscape = false;

  /** Makes the scanner ready for a new object, which must start with the next character. */
  reset(): void {
    this.mode = 'start';
    this.stack.length = 0;
    this.escape = NO_ESCAPE;
    this.reportNext = false;
  }

  /** True while the next character, if plain, belongs to the reported string value. */
  inReportedText(): boolean {
    return this.mode === 'string' && this.role === 'reported' && this.escape === NO_ESCAPE;
  }

  /** Reads the character with UTF-16 code `code`. */
  read(code: number, listener: TopLevelListener): ScanResult {
    switch (this.mode) {
      case 'string':
        return this.readString(code, listener);
      case 'number':
        return this.readNumber(code, listener);
      case 'literal':
        return this.readLiteral(code);
      case 'deep':
        return this.readDeep(code);
      default:
        return this.readStructure(code, listener);
    }
  }

  private readStructure(code: number, listener: TopLevelListener): ScanResult {
    if (code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09) return 'more';
    const character = String.fromCharCode(code);
    switch (this.mode) {
      case 'start':
        return character === '{' ? this.open(true) : 'invalid';
      case 'key-or-close':
        if (character === '}') return this.close();
        return character === '"' ? this.startKey(listener) : 'invalid';
      case 'key':
        return character === '"' ? this.startKey(listener) : 'invalid';
      case 'colon':
        if (character !== ':') return 'invalid';
        this.mode = 'value';
        return 'more';
      case 'value-or-close':
        if (character === ']') return this.close();
        return this.startValue(character);
      case 'value':
        return this.startValue(character);
      default:
        return this.afterValue(character);
    }
  }

  private afterValue(character: string): ScanResult {
    const inObject = this.stack.at(-1) === true;
    if (character === ',') {
      this.mode = inObject ? 'key' : 'value';
      return 'more';
    }
    if (character === (inObject ? '}' : ']')) return this.close();
    return 'invalid';
  }

  private startKey(listener: TopLevelListener): ScanResult {
    this.mode = 'string';
    this.role = this.stack.length === 1 ? 'top-key' : 'key';
    if (this.role === 'top-key') listener.keyStart();
    return 'more';
  }

  private startValue(character: string): ScanResult {
    const reported = this.reportNext;
    this.reportNext = false;
    if (character === '"') {
      this.mode = 'string';
      this.role = reported ? 'reported' : 'value';
      return 'more';
    }
    if (character === '{' || character === '[') return this.open(character === '{');
    if (character === '-' || (character >= '0' && character <= '9')) {
      this.mode = 'number';
      this.numberState = character === '-' ? AFTER_MINUS : character === '0' ? AFTER_ZERO : INTEGER;
      return 'more';
    }
    const literal = character === 't' ? 'true' : character === 'f' ? 'false' : character === 'n' ? 'null' : '';
    if (literal === '') return 'invalid';
    this.mode = 'literal';
    this.literal = literal;
    this.literalIndex = 1;
    return 'more';
  }

  private open(isObject: boolean): ScanResult {
    if (this.stack.length >= MAX_DEPTH) {
      this.mode = 'deep';
      this.deepDepth = 1;
      this.deepInString = false;
      this.deepEscape = false;
      return 'more';
    }
    this.stack.push(isObject);
    this.mode = isObject ? 'key-or-close' : 'value-or-close';
    return 'more';
  }

  private close(): ScanResult {
    this.stack.pop();
    this.mode = 'after-value';
    return this.stack.length === 0 ? 'complete' : 'more';
  }

  private readString(code: number, listener: TopLevelListener): ScanResult {
    if (this.escape === NO_ESCAPE) {
      if (code === 0x22) return this.endString(listener);
      if (code === 0x5c) this.escape = 0;
      else if (code < 0x20) return 'invalid';
      else this.deliver(String.fromCharCode(code), listener);
      return 'more';
    }
    if (this.escape === 0) {
      const character = String.fromCharCode(code);
      if (character === 'u') {
        this.escape = 1;
        this.hex = 0;
        return 'more';
      }
      const decoded = SHORT_ESCAPES[character];
      if (decoded === undefined) return 'invalid';
      this.escape = NO_ESCAPE;
      this.deliver(decoded, listener);
      return 'more';
    }
    const digit = hexValue(code);
    if (digit < 0) return 'invalid';
    this.hex = this.hex * 16 + digit;
    if (this.escape < 4) {
      this.escape += 1;
      return 'more';
    }
    this.escape = NO_ESCAPE;
    this.deliver(String.fromCharCode(this.hex), listener);
    return 'more';
  }

  private deliver(text: string, listener: TopLevelListener): void {
    if (this.role === 'top-key') listener.keyCharacter(text);
    else if (this.role === 'reported') listener.valueText(text);
  }

  private endString(listener: TopLevelListener): ScanResult {
    if (this.role === 'top-key') this.reportNext = listener.keyEnd();
    if (this.role === 'reported') listener.valueEnd();
    this.mode = this.role === 'top-key' || this.role === 'key' ? 'colon' : 'after-value';
    return 'more';
  }

  private readNumber(code: number, listener: TopLevelListener): ScanResult {
    const state = this.numberState;
    if (code >= 0x30 && code <= 0x39) {
      if (state === AFTER_ZERO) return 'invalid';
      if (state === AFTER_MINUS) this.numberState = code === 0x30 ? AFTER_ZERO : INTEGER;
      else if (state === AFTER_POINT) this.numberState = FRACTION;
      else if (state === AFTER_E || state === AFTER_EXPONENT_SIGN) this.numberState = EXPONENT;
      return 'more';
    }
    if (code === 0x2e && (state === AFTER_ZERO || state === INTEGER)) this.numberState = AFTER_POINT;
    else if ((code === 0x65 || code === 0x45) && (state === AFTER_ZERO || state === INTEGER || state === FRACTION)) {
      this.numberState = AFTER_E;
    } else if ((code === 0x2b || code === 0x2d) && state === AFTER_E) this.numberState = AFTER_EXPONENT_SIGN;
    else {
      // The number ended before this character, which the structure around it reads.
      if (state !== AFTER_ZERO && state !== INTEGER && state !== FRACTION && state !== EXPONENT) return 'invalid';
      this.mode = 'after-value';
      return this.readStructure(code, listener);
    }
    return 'more';
  }

  private readLiteral(code: number): ScanResult {
    if (code !== this.literal.charCodeAt(this.literalIndex)) return 'invalid';
    this.literalIndex += 1;
    if (this.literalIndex === this.literal.length) this.mode = 'after-value';
    return 'more';
  }

  // Beyond MAX_DEPTH only strings and brackets are followed, until the deep value closes.
  private readDeep(code: number): ScanResult {
    if (this.deepInString) {
      if (this.deepEscape) this.deepEscape = false;
      else if (code === 0x5c) this.deepEscape = true;
      else if (code === 0x22) this.deepInString = false;
      return 'more';
    }
    if (code === 0x22) this.deepInString = true;
    else if (code === 0x7b || code === 0x5b) this.deepDepth += 1;
    else if (code === 0x7d || code === 0x5d) {
      this.deepDepth -= 1;
      if (this.deepDepth === 0) this.mode = 'after-value';
    }
    return 'more';
  }
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}
