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

function redactWith(secrets: readonly string[], text: string): string {
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

function knownSecrets(): readonly string[] {
  SECRET_ENV_VARS.forEach((name, index) => {
    const value = process.env[name];
    if (value !== seenEnv[index]) {
      seenEnv[index] = value;
      sorted = undefined;
    }
  });
  if (sorted === undefined) {
    const secrets = new Set(registered);
    for (const value of seenEnv) if (value !== undefined && value.length >= MIN_SECRET_LENGTH) secrets.add(value);
    // Longest first: a shorter secret inside a longer one would otherwise leave the rest of it in clear.
    sorted = [...secrets].sort((a, b) => b.length - a.length);
  }
  return sorted;
}
