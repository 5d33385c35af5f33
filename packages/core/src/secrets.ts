// Keys must never reach logs, error messages, events or verbose traces. Everything TinyAgent prints or
// puts in an error passes through `redactSecrets`, which knows the keys it was given and the
// well-known key variables of the environment.

const registered = new Set<string>();

/** Environment variables whose values are treated as secrets wherever TinyAgent prints text. */
export const SECRET_ENV_VARS: readonly string[] = ['OPENAI_API_KEY', 'BRAVE_SEARCH_API_KEY'];

// Shorter values would redact ordinary words; no real API key is this short.
const MIN_SECRET_LENGTH = 6;

/** Marks `value` as a secret so that `redactSecrets` removes it from any text. */
export function registerSecret(value: string | undefined | null): void {
  if (typeof value === 'string' && value.length >= MIN_SECRET_LENGTH && !registered.has(value)) {
    registered.add(value);
    sorted = undefined;
  }
}

/** Returns `text` with every known secret replaced by `[redacted]`. */
export function redactSecrets(text: string): string {
  return text.length < MIN_SECRET_LENGTH ? text : redactWith(knownSecrets(), text);
}

/**
 * A `redactSecrets` for several texts that arrive together (the fields of one model reply): the
 * environment's key variables are read once, when it is made, instead of once per text; reading the
 * environment costs more than the redaction itself. Make one per batch: it does not see later changes.
 */
export function secretRedactor(): (text: string) => string {
  const secrets = knownSecrets();
  return (text) => (text.length < MIN_SECRET_LENGTH ? text : redactWith(secrets, text));
}

/**
 * Returns a copy of `value` with every string in it (object keys included) redacted like
 * `redactSecrets`, for decoded data such as tool arguments, whose strings may hold a key that their
 * JSON text spelled with escapes. Values that hold no secret come back as they are (same object).
 */
export function redactValue<T>(value: T): T {
  // The environment is read at the first string that needs checking: most tool arguments hold
  // numbers and short words, which need no secrets read at all.
  let redact: ((text: string) => string) | undefined;
  return redactDeep(
    value,
    (text) => (text.length < MIN_SECRET_LENGTH ? text : (redact ??= secretRedactor())(text)),
    0,
  ) as T;
}

// Deeper than this, a value is no data a tool needs, and checking it would risk the stack: it is
// replaced, never passed on unchecked.
const MAX_REDACT_DEPTH = 64;
const TOO_DEEP = '[nested too deeply to check for secrets]';

function redactDeep(value: unknown, redact: (text: string) => string, depth: number): unknown {
  if (typeof value === 'string') return redact(value);
  if (typeof value !== 'object' || value === null) return value;
  if (depth > MAX_REDACT_DEPTH) return TOO_DEEP;
  if (Array.isArray(value)) {
    const list = value as unknown[];
    let copy: unknown[] | undefined;
    list.forEach((item, index) => {
      const redacted = redactDeep(item, redact, depth + 1);
      if (redacted !== item) (copy ??= [...list])[index] = redacted;
    });
    return copy ?? value;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  // Tool arguments pass through here on every call and seldom hold a secret: the entries are
  // copied only from the first one that changes.
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  let entries: [string, unknown][] | undefined;
  let index = -1;
  for (const key of keys) {
    index += 1;
    const item = record[key];
    const redactedKey = redact(key);
    const redacted = redactDeep(item, redact, depth + 1);
    if (entries === undefined && (redactedKey !== key || redacted !== item)) {
      entries = keys.slice(0, index).map((earlier): [string, unknown] => [earlier, record[earlier]]);
    }
    entries?.push([redactedKey, redacted]);
  }
  return entries === undefined ? value : Object.fromEntries(entries);
}

/** Returns `text` with every one of `secrets` (longest first, as `knownSecrets` orders them) replaced. */
export function redactWith(secrets: readonly string[], text: string): string {
  let result = text;
  for (const secret of secrets) {
    if (result.includes(secret)) result = result.replaceAll(secret, '[redacted]');
  }
  return result;
}

// Redaction runs on every model reply and tool result, so the list is rebuilt only when a secret is
// registered or a variable's value changes; the variables are read on every call, as a test or an
// application may set them at any time.
let sorted: readonly string[] | undefined;
const seenEnv: (string | undefined)[] = [];

/**
 * Every secret `redactSecrets` removes, longest first: the registered ones, the environment's key
 * variables, and each as JSON text spells it. For a batch that takes one look at the environment.
 */
export function knownSecrets(): readonly string[] {
  let index = 0;
  for (const name of SECRET_ENV_VARS) {
    const value = process.env[name];
    if (value !== seenEnv[index]) {
      seenEnv[index] = value;
      sorted = undefined;
    }
    index += 1;
  }
  if (sorted === undefined) {
    const secrets = new Set(registered);
    for (const value of seenEnv) if (value !== undefined && value.length >= MIN_SECRET_LENGTH) secrets.add(value);
    // A secret holding `"`, `\` or a control character is spelled with escapes inside JSON text.
    for (const secret of [...secrets]) secrets.add(JSON.stringify(secret).slice(1, -1));
    // Longest first: a shorter secret inside a longer one would otherwise leave the rest of it in clear.
    sorted = [...secrets].sort((a, b) => b.length - a.length);
  }
  return sorted;
}
