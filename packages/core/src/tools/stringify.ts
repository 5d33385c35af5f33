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
    return resultToJson(value) ?? 'null';
  } catch {
    return inspect(value, { depth: 6, breakLength: Infinity });
  }
}

/**
 * A value as the JSON text `stringifyResult` writes for it (Maps, Sets, bigints and errors turned
 * the same way), for code that needs the value back rather than text to read. Like JSON.stringify:
 * `undefined` when the value has no JSON form (`undefined`, a function, a symbol, a `toJSON` that
 * returns undefined), and a TypeError thrown for a value JSON cannot hold (a cyclic one).
 */
export function resultToJson(value: unknown): string | undefined {
  // Typed as returning a string, JSON.stringify returns undefined for these.
  return JSON.stringify(value, jsonReplacer);
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

/**
 * Describes a thrown value in one line, as a tool failure reads to the model: the message of a plain
 * Error, `Name: message` for other errors (RangeError, TypeError), `threw <value>` for anything else.
 * Never throws, even for a value whose fields or traps throw.
 */
export function describeThrown(error: unknown): string {
  try {
    if (error instanceof Error) {
      if (error.message === '') return error.name;
      // A plain Error's name adds nothing ("Tool 'x' failed: Error: ..."); other names tell the
      // model what kind of failure it was.
      return error.name === 'Error' ? error.message : `${error.name}: ${error.message}`;
    }
    return `threw ${stringifyResult(error)}`;
  } catch {
    return 'it threw a value that cannot be described';
  }
}

/**
 * `value` as JSON cut to `max` characters (with `…`), or its `typeof` when JSON cannot hold it: for
 * error messages that quote what a caller or a model passed, which may be long.
 */
export function shortJson(value: unknown, max = 200): string {
  // undefined for values JSON cannot hold, whatever the declared type says.
  const json = JSON.stringify(value) as string | undefined;
  if (json === undefined) return typeof value;
  return json.length > max ? `${json.slice(0, max)}…` : json;
}
