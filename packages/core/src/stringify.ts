import { inspect } from 'node:util';

/**
 * Turns a tool's result (or a final answer) into the text a model reads: strings as they are,
 * `null`/`undefined` as `null`, numbers and booleans as literals, everything else as JSON (Maps as
 * objects, Sets as arrays, bigints as digits, errors as `Name: message`). Values JSON cannot
 * express, such as cyclic objects, fall back to Node's inspect format; never `[object Object]`.
 */
export function stringifyResult(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value === 'symbol' || typeof value === 'function') return value.toString();
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  try {
    // JSON.stringify returns undefined when a toJSON method does, whatever its declared type says.
    const text = JSON.stringify(value, jsonReplacer) as string | undefined;
    return text ?? 'null';
  } catch {
    return inspect(value, { depth: 6, breakLength: Infinity });
  }
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Map) {
    // Object keys would all print as "[object Object]": such maps become lists of [key, value] pairs.
    const keysArePlain = [...value.keys()].every((key) => typeof key === 'string' || typeof key === 'number');
    return keysArePlain ? Object.fromEntries(value) : [...value.entries()];
  }
  if (value instanceof Set) return [...value];
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  return value;
}
