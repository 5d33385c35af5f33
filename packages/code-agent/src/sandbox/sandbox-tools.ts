import { ConfigurationError } from '@tinyagent/core';
import { isTool } from '@tinyagent/core/internal';
import type { Tool } from '@tinyagent/core';

/** The globals every sandbox has besides the tools: JavaScript's built-ins (as QuickJS has them) and ours. */
export const SANDBOX_GLOBALS: ReadonlySet<string> = new Set([
  // Added by the sandbox.
  'console',
  'final_answer',
  'require',
  // JavaScript built-ins.
  ...['Object', 'Function', 'Array', 'Number', 'Boolean', 'String', 'Symbol', 'BigInt', 'Math', 'JSON', 'Reflect'],
  ...['Date', 'RegExp', 'Promise', 'Proxy', 'Map', 'Set', 'WeakMap', 'WeakSet', 'WeakRef', 'FinalizationRegistry'],
  ...['Error', 'EvalError', 'RangeError', 'ReferenceError', 'SyntaxError', 'TypeError', 'URIError'],
  ...['InternalError', 'AggregateError', 'Iterator', 'ArrayBuffer', 'SharedArrayBuffer', 'DataView', 'Atomics'],
  ...['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array'],
  ...['BigInt64Array', 'BigUint64Array', 'Float16Array', 'Float32Array', 'Float64Array'],
  ...['parseInt', 'parseFloat', 'isNaN', 'isFinite', 'decodeURI', 'decodeURIComponent', 'encodeURI'],
  ...['encodeURIComponent', 'escape', 'unescape', 'eval', 'globalThis', 'Infinity', 'NaN', 'undefined'],
  ...['performance', 'queueMicrotask', 'structuredClone', 'DisposableStack', 'AsyncDisposableStack', 'Intl'],
]);

// Names that cannot be bound as a global function in a script.
const RESERVED_WORDS = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally ' +
    'for function if import in instanceof new null return super switch this throw true try typeof var void ' +
    'while with yield let static implements interface package private protected public await arguments async of'
  ).split(' '),
);

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * Checks tools for use inside the sandbox and returns them by name: model code calls each one as a
 * synchronous JavaScript function, so the name must be a free identifier and `execute` must not be
 * async. Throws ConfigurationError naming the tool and the fix.
 */
export function checkSandboxTools(tools: Iterable<unknown>, owner: string): ReadonlyMap<string, Tool> {
  const byName = new Map<string, Tool>();
  for (const entry of tools) {
    if (!isTool(entry)) {
      throw new ConfigurationError(
        `${owner}: every tool must be made by tool({ name, description, parameters, execute }) from @tinyagent/core.`,
      );
    }
    checkName(entry.name, owner);
    if (entry.isAsync) {
      throw new ConfigurationError(
        `${owner} does not support async tools: '${entry.name}' has an async execute (or a returns schema that ` +
          'is a promise). Model code calls tools ' +
          'synchronously inside the sandbox; make execute synchronous, or use ReactAgent from ' +
          '@tinyagent/react-agent, which runs async tools.',
      );
    }
    if (byName.has(entry.name)) {
      throw new ConfigurationError(`${owner}: two tools are named '${entry.name}'; tool names must be unique.`);
    }
    byName.set(entry.name, entry);
  }
  return byName;
}

function checkName(name: string, owner: string): void {
  if (!IDENTIFIER.test(name)) {
    throw new ConfigurationError(
      `${owner}: tool name '${name}' is not a valid JavaScript identifier, so model code could not call it; ` +
        `rename it to letters, digits and underscores, e.g. '${name.replace(/\W/g, '_').replace(/^(\d)/, '_$1')}'.`,
    );
  }
  if (RESERVED_WORDS.has(name)) {
    throw new ConfigurationError(`${owner}: tool name '${name}' is a JavaScript keyword; choose another name.`);
  }
  if (SANDBOX_GLOBALS.has(name)) {
    throw new ConfigurationError(
      `${owner}: tool name '${name}' collides with the sandbox global '${name}'; choose another name.`,
    );
  }
}
