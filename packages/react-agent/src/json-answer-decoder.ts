// For streamed answers (issue #16): as a JSON-protocol reply arrives in text deltas, this decoder
// yields the characters of its final answer, so the protocol can emit `answer-delta` events before
// the reply is complete. It follows `readJsonReply` (json-reply.ts): the first `{` that starts a
// valid JSON object, among the first MAX_CANDIDATES braces of the reply (prose and ```json fences
// before it are skipped), and that object's top-level `answer` when it is a string. A tool call, a
// null answer or an answer of another type yields nothing.
//
// One pass, constant work per character, nothing of the reply kept: a strict JSON scanner whose
// state is a mode, a few counters and the stack of open containers (at most MAX_DEPTH of them).
//
// Deltas are provisional. What was yielded cannot be taken back, so when the object yielding the
// answer turns out malformed (the parser then reads another object, or none), or a second `answer`
// key follows a non-empty one (JSON.parse keeps the last), the decoder stops yielding: the step's
// parsed answer is the one that counts. Nor does it go back into an object that turned out
// malformed, and the parser takes none of the values nested in one either; the decoder may still
// read an object after the character that broke it, which the parser skips when it is a member
// value there (`{'tool': 'x', 'arguments': {"answer": ...}}`): provisional text again.
// The yielded text is decoded, not redacted: known secrets must be removed by whoever emits it, as
// core does for every reply.
import { JsonObjectScanner } from './json-object-scanner.ts';
import type { TopLevelListener } from './json-object-scanner.ts';
import { MAX_CANDIDATES } from './json-reply.ts';

/** An incremental reader of the final answer in a streamed JSON-protocol reply. */
export interface JsonAnswerDecoder {
  /**
   * Reads the next piece of the reply and returns the answer characters it completed, escapes
   * decoded (often ''). A surrogate pair is never split between two returns.
   */
  push(chunk: string): string;
}

const ANSWER_KEY = 'answer';

/** Creates a decoder for one reply; use a new one for every model call. */
export function createJsonAnswerDecoder(): JsonAnswerDecoder {
  const decoder = new AnswerDecoder();
  return { push: (chunk) => decoder.push(chunk) };
}

class AnswerDecoder implements TopLevelListener {
  private readonly scanner = new JsonObjectScanner();
  private inObject = false;
  private finished = false;
  private bracesSeen = 0;
  // Characters of "answer" the current top-level key has matched so far; -1 once it differs.
  private keyMatched = -1;
  private yielded = false;
  // A high surrogate waiting for the character after it, so no return ends in half a pair.
  private heldSurrogate = '';
  private out = '';

  push(chunk: string): string {
    this.out = '';
    let index = 0;
    while (index < chunk.length && !this.finished) {
      if (this.scanner.inReportedText()) {
        // The common case, a run of plain answer characters, is copied in one slice.
        const end = plainRunEnd(chunk, index);
        if (end > index) {
          this.bracesSeen += countBraces(chunk, index, end);
          this.emit(chunk.slice(index, end));
          index = end;
          continue;
        }
      }
      const code = chunk.charCodeAt(index);
      if (code === 0x7b) this.bracesSeen += 1;
      if (this.inObject) this.readObjectCharacter(code);
      else this.readProseCharacter(code);
      index += 1;
    }
    return this.out;
  }

  private readProseCharacter(code: number): void {
    if (code !== 0x7b || this.bracesSeen > MAX_CANDIDATES) return;
    this.inObject = true;
    this.scanner.reset();
    this.scanner.read(code, this);
  }

  private readObjectCharacter(code: number): void {
    const result = this.scanner.read(code, this);
    if (result === 'complete') {
      this.finished = true;
    } else if (result === 'invalid') {
      // Yielded text was this object's answer, which the parser will not take: stop there.
      if (this.yielded) {
        this.finished = true;
        return;
      }
      this.inObject = false;
      this.heldSurrogate = '';
      // The character that broke this object may open the next one.
      this.readProseCharacter(code);
    }
  }

  keyCharacter(character: string): void {
    if (this.keyMatched >= 0 && ANSWER_KEY[this.keyMatched] === character) this.keyMatched += 1;
    else this.keyMatched = -1;
  }

  keyStart(): void {
    this.keyMatched = 0;
  }

  keyEnd(): boolean {
    const isAnswer = this.keyMatched === ANSWER_KEY.length;
    this.keyMatched = -1;
    if (!isAnswer) return false;
    // JSON.parse keeps the last of duplicate keys; after a non-empty answer, a second one makes
    // the text yielded so far wrong whatever follows.
    if (this.yielded) this.finished = true;
    return !this.yielded;
  }

  valueText(text: string): void {
    this.emit(text);
  }

  valueEnd(): void {
    // The answer is complete: a lone high surrogate at its end is part of it.
    this.out += this.heldSurrogate;
    if (this.heldSurrogate !== '') this.yielded = true;
    this.heldSurrogate = '';
  }

  private emit(text: string): void {
    if (text === '') return;
    let whole = this.heldSurrogate + text;
    this.heldSurrogate = '';
    const last = whole.charCodeAt(whole.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) {
      this.heldSurrogate = whole.slice(-1);
      whole = whole.slice(0, -1);
    }
    this.out += whole;
    if (whole !== '') this.yielded = true;
  }
}

// The end of the run of characters from `start` that stand for themselves in a JSON string.
function plainRunEnd(chunk: string, start: number): number {
  let end = start;
  while (end < chunk.length) {
    const code = chunk.charCodeAt(end);
    if (code === 0x22 || code === 0x5c || code < 0x20) break;
    end += 1;
  }
  return end;
}

function countBraces(chunk: string, start: number, end: number): number {
  let count = 0;
  for (let index = start; index < end; index += 1) if (chunk.charCodeAt(index) === 0x7b) count += 1;
  return count;
}
