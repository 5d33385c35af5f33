import { ConfigurationError } from '../errors.ts';

/** How much of a JSON Schema `tool()` reads: a schema from an MCP server is untrusted text. */
export const JSON_SCHEMA_LIMITS = Object.freeze({
  /** Objects and arrays nested within each other. */
  maxDepth: 64,
  /** Values of every kind, containers included. */
  maxValues: 20_000,
  /** Characters in all strings and keys together. */
  maxCharacters: 1_000_000,
});

/**
 * Copies a JSON Schema given to `tool()` as plain JSON data within JSON_SCHEMA_LIMITS, so that a
 * schema changed afterwards by its owner changes neither the tool nor its fingerprint. Throws
 * ConfigurationError, naming `what` and the place, for a value that is not JSON (a function, a
 * class instance, a cycle, a non-finite number) or one beyond the limits.
 */
export function copyJsonSchema(value: unknown, what: string): unknown {
  const budget = { values: 0, characters: 0 };
  return copyValue(value, what, [], budget);
}

function copyValue(
  value: unknown,
  what: string,
  path: string[],
  budget: { values: number; characters: number },
): unknown {
  budget.values += 1;
  if (budget.values > JSON_SCHEMA_LIMITS.maxValues) {
    throw tooLarge(what, `holds more than ${JSON_SCHEMA_LIMITS.maxValues} values`);
  }
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw notJson(what, path, String(value));
    return value;
  }
  if (typeof value === 'string') {
    countCharacters(value, what, budget);
    return value;
  }
  // A cycle is nesting without end: the depth limit stops it too.
  if (path.length >= JSON_SCHEMA_LIMITS.maxDepth) {
    throw tooLarge(what, `is nested deeper than ${JSON_SCHEMA_LIMITS.maxDepth} levels (or is cyclic)`);
  }
  if (Array.isArray(value)) {
    return value.map((item, index) => {
      path.push(String(index));
      const copy: unknown = copyValue(item, what, path, budget);
      path.pop();
      return copy;
    });
  }
  if (!isPlainObject(value)) throw notJson(what, path, describeKind(value));
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    // Left out, as JSON.stringify leaves it out: a hand-written schema may say `description: undefined`.
    if (item === undefined) continue;
    countCharacters(key, what, budget);
    path.push(key);
    // defineProperty: a key spelt `__proto__` (JSON.parse makes such keys) stays data, not a prototype.
    Object.defineProperty(copy, key, {
      value: copyValue(item, what, path, budget),
      enumerable: true,
      writable: true,
      configurable: true,
    });
    path.pop();
  }
  return copy;
}

/** True for an object literal or JSON.parse's output: neither a class instance nor an array. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function countCharacters(text: string, what: string, budget: { characters: number }): void {
  budget.characters += text.length;
  if (budget.characters > JSON_SCHEMA_LIMITS.maxCharacters) {
    throw tooLarge(what, `holds more than ${JSON_SCHEMA_LIMITS.maxCharacters} characters of text`);
  }
}

function tooLarge(what: string, detail: string): ConfigurationError {
  return new ConfigurationError(
    `${what} ${detail}: a tool's JSON Schema must stay within ${JSON_SCHEMA_LIMITS.maxDepth} levels, ` +
      `${JSON_SCHEMA_LIMITS.maxValues} values and ${JSON_SCHEMA_LIMITS.maxCharacters} characters.`,
  );
}

function notJson(what: string, path: readonly string[], kind: string): ConfigurationError {
  const where = path.length === 0 ? '' : ` at ${path.join('.')}`;
  return new ConfigurationError(`${what} is not JSON data: ${kind}${where}. Pass a schema as parsed from JSON.`);
}

function describeKind(value: unknown): string {
  if (typeof value !== 'object' || value === null) return `a ${typeof value}`;
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? `an instance of ${name}` : 'an object that is not plain';
}
