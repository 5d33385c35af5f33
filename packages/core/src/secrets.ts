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
  if (typeof value === 'string' && value.length >= MIN_SECRET_LENGTH) registered.add(value);
}

/** Returns `text` with every known secret replaced by `[redacted]`. */
export function redactSecrets(text: string): string {
  let result = text;
  // Longest first: a shorter secret inside a longer one would otherwise leave the rest of it in clear.
  const secrets = [...knownSecrets()].sort((a, b) => b.length - a.length);
  for (const secret of secrets) {
    if (result.includes(secret)) result = result.replaceAll(secret, '[redacted]');
  }
  return result;
}

function knownSecrets(): Set<string> {
  const secrets = new Set(registered);
  for (const name of SECRET_ENV_VARS) {
    const value = process.env[name];
    if (value !== undefined && value.length >= MIN_SECRET_LENGTH) secrets.add(value);
  }
  return secrets;
}
