// Streamed text reaches its consumer before the whole of it is known, so a key the model repeats
// could arrive split across pieces, each half harmless to `redactSecrets` on its own. A holdback
// keeps back the tail that could still be the start of a secret, and releases only what is safe.
import { knownSecrets, redactWith } from './secrets.ts';

/**
 * Redacts text that arrives in pieces: `push` releases what can no longer be part of a secret
 * (redacted), keeping back the tail that could still begin one (at most the longest secret's length
 * less one, and usually nothing); `flush` releases the rest at the end. Joined, the released pieces
 * are the whole text redacted. Knows the secrets of the moment it is made: make one per streamed reply.
 */
export class SecretHoldback {
  readonly #secrets: readonly string[];
  // Zero when there is no secret to hold anything back for.
  readonly #keep: number;
  #held = '';

  /** A holdback for `secrets` (longest first); default every secret known now. */
  constructor(secrets: readonly string[] = knownSecrets()) {
    this.#secrets = secrets;
    this.#keep = Math.max(0, (secrets[0]?.length ?? 0) - 1);
  }

  /** Takes the next piece and returns what is safe to release of it and what was held, redacted. */
  push(text: string): string {
    if (this.#keep === 0) return text;
    const buffer = this.#held + text;
    let cut = this.#partialStart(buffer);
    if (cut === 0) {
      this.#held = buffer;
      return '';
    }
    // A secret that ends past the cut needs a held tail; with none (the usual piece), there is none.
    if (cut < buffer.length) cut = this.#cutOutside(buffer, cut);
    this.#held = buffer.slice(cut);
    return redactWith(this.#secrets, buffer.slice(0, cut));
  }

  /** Releases what is still held, redacted: the text has ended, so no secret can go on. */
  flush(): string {
    const rest = this.#held;
    this.#held = '';
    return rest === '' ? '' : redactWith(this.#secrets, rest);
  }

  // Where the earliest tail of `buffer` that begins a secret starts (its length when there is none).
  // Only the last `#keep` characters can: each secret is tried at each of them, so the work per
  // piece is bounded by the secrets' lengths, whatever the length of the text.
  #partialStart(buffer: string): number {
    let from = buffer.length;
    for (const secret of this.#secrets) {
      const first = secret.charCodeAt(0);
      for (let at = Math.max(0, buffer.length - secret.length + 1); at < from; at += 1) {
        if (buffer.charCodeAt(at) === first && secret.startsWith(buffer.slice(at))) {
          from = at;
          break;
        }
      }
    }
    return from;
  }

  // A secret that starts before the cut and ends after it is whole in the buffer: the cut moves to
  // its end, so it is released whole and redacted. The cut only moves forward and each search looks
  // at a window of twice the longest secret, so this stays linear in the text. (Two different
  // secrets that overlap, a complete one and one still arriving, are beyond it.)
  #cutOutside(buffer: string, start: number): number {
    let cut = start;
    for (let moved = true; moved;) {
      moved = false;
      for (const secret of this.#secrets) {
        const from = Math.max(0, cut - secret.length + 1);
        const at = buffer.slice(from, cut + secret.length - 1).indexOf(secret);
        if (at !== -1 && from + at < cut) {
          cut = from + at + secret.length;
          moved = true;
        }
      }
    }
    return cut;
  }
}
