// The JavaScript that sets up a fresh sandbox, run inside QuickJS before any model code. It receives the
// host functions in a closure and never stores them on a global, so model code reaches them only
// through these wrappers. Formatting values (console.log, the last expression, final_answer) happens
// here, inside the guest: a hostile getter, toJSON or Proxy runs under the sandbox's deadline and
// memory limit, and only strings ever reach the host.

/**
 * Source of a guest function `(host) => ({ describe, describeError })`. `host` holds `print(text)`,
 * `callTool(name, json)`, `submitAnswer(text, isString)`, `toolNames`, `importHint` and `maxLine`.
 */
export const GUEST_PRELUDE = String.raw`(function (host) {
  'use strict';
  var print = host.print, callTool = host.callTool, submitAnswer = host.submitAnswer;
  var toolNames = host.toolNames, importHint = host.importHint, maxLine = host.maxLine;
  var stringify = JSON.stringify, parseJson = JSON.parse, isArray = Array.isArray;
  var getPrototypeOf = Object.getPrototypeOf, keysOf = Object.keys;
  var describeProperty = Object.getOwnPropertyDescriptor, defineProperty = Object.defineProperty;
  var identifier = /^[A-Za-z_$][\w$]*$/;
  var MAX_ITEMS = 100, MAX_DEPTH = 2;

  function quote(text) {
    return "'" + text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n') + "'";
  }

  function typeName(value) {
    var proto = getPrototypeOf(value);
    if (proto === null) return '[Object: null prototype]';
    var ctor = proto.constructor;
    return typeof ctor === 'function' && typeof ctor.name === 'string' ? ctor.name : '';
  }

  function inspectEntries(items, depth, seen, open, close) {
    var parts = [];
    for (var i = 0; i < items.length && i < MAX_ITEMS; i++) parts.push(items[i](depth, seen));
    if (items.length > MAX_ITEMS) parts.push('... ' + (items.length - MAX_ITEMS) + ' more items');
    return parts.length === 0 ? open + close : open + ' ' + parts.join(', ') + ' ' + close;
  }

  function nested(value) {
    return function (depth, seen) { return inspect(value, depth + 1, seen, true); };
  }

  function propertyText(object, key) {
    var descriptor = describeProperty(object, key);
    var name = identifier.test(key) ? key : quote(key);
    if (descriptor.get !== undefined || descriptor.set !== undefined) {
      return function () { return name + ': [' + (descriptor.get ? 'Getter' : '') + (descriptor.get && descriptor.set ? '/' : '') + (descriptor.set ? 'Setter' : '') + ']'; };
    }
    return function (depth, seen) { return name + ': ' + inspect(descriptor.value, depth + 1, seen, true); };
  }

  function inspectObject(value, depth, seen) {
    if (value instanceof Error) return value.name + ': ' + value.message;
    if (value instanceof Date) return isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
    if (value instanceof RegExp) return String(value);
    if (value instanceof Promise) return 'Promise {}';
    if (depth > MAX_DEPTH) return isArray(value) ? '[Array]' : '[' + (typeName(value) || 'Object') + ']';
    seen.push(value);
    try {
      if (isArray(value)) return inspectEntries(value.map(nested), depth, seen, '[', ']');
      if (ArrayBuffer.isView(value)) {
        return typeName(value) + '(' + value.length + ') ' + inspectEntries(Array.from(value, nested), depth, seen, '[', ']');
      }
      if (value instanceof Map) {
        var pairs = [];
        value.forEach(function (item, key) {
          pairs.push(function (d, s) { return inspect(key, d + 1, s, true) + ' => ' + inspect(item, d + 1, s, true); });
        });
        return 'Map(' + value.size + ') ' + inspectEntries(pairs, depth, seen, '{', '}');
      }
      if (value instanceof Set) return 'Set(' + value.size + ') ' + inspectEntries(Array.from(value, nested), depth, seen, '{', '}');
      var name = typeName(value);
      var body = inspectEntries(keysOf(value).map(function (key) { return propertyText(value, key); }), depth, seen, '{', '}');
      return name === 'Object' ? body : name + ' ' + body;
    } finally {
      seen.pop();
    }
  }

  function inspect(value, depth, seen, quoted) {
    switch (typeof value) {
      case 'string': return quoted ? quote(value) : value;
      case 'number': return Object.is(value, -0) ? '-0' : String(value);
      case 'bigint': return String(value) + 'n';
      case 'symbol': return value.toString();
      case 'undefined': return 'undefined';
      case 'boolean': return String(value);
      case 'function':
        return /^class[\s{]/.test(Function.prototype.toString.call(value))
          ? '[class ' + (value.name || '(anonymous)') + ']'
          : '[Function: ' + (value.name || '(anonymous)') + ']';
    }
    if (value === null) return 'null';
    if (seen.indexOf(value) !== -1) return '[Circular]';
    return inspectObject(value, depth, seen);
  }

  function formatLine(args) {
    var parts = [];
    for (var i = 0; i < args.length; i++) parts.push(inspect(args[i], 0, [], false));
    var line = parts.join(' ');
    return line.length > maxLine ? line.slice(0, maxLine + 1) : line;
  }

  var log = function () { print(formatLine(arguments)); };
  globalThis.console = { log: log, info: log, warn: log, error: log, debug: log };

  function jsonReplacer(key, value) {
    if (typeof value === 'bigint') return String(value);
    if (value instanceof Map) {
      var plain = true;
      value.forEach(function (item, entryKey) { if (typeof entryKey !== 'string' && typeof entryKey !== 'number') plain = false; });
      return plain ? Object.fromEntries(value) : Array.from(value.entries());
    }
    if (value instanceof Set) return Array.from(value);
    if (value instanceof Error) return value.name + ': ' + value.message;
    return value;
  }

  function answerText(value) {
    if (value === undefined || value === null) return 'null';
    if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
    try {
      var text = stringify(value, jsonReplacer);
      return text === undefined ? 'null' : text;
    } catch (error) {
      return inspect(value, 0, [], true);
    }
  }

  globalThis.final_answer = function final_answer(value) {
    if (arguments.length === 0) throw new TypeError('final_answer(value) needs the answer as its argument.');
    if (typeof value === 'string') submitAnswer(value, true);
    else submitAnswer(answerText(value), false);
  };

  function makeTool(name) {
    var tool = function () {
      if (arguments.length > 1) {
        throw new TypeError(name + '() takes one object of named arguments, e.g. ' + name + '({ ... }); it got ' + arguments.length + ' arguments.');
      }
      var argument = arguments[0];
      var reply = callTool(name, argument === undefined ? undefined : stringify(argument));
      var kind = reply.charAt(0), body = reply.slice(1);
      if (kind === 'u') return undefined;
      if (kind === 's') return body;
      if (kind === 'j') return parseJson(body);
      var failure = parseJson(body);
      var error = new Error(failure.message);
      error.name = failure.name;
      throw error;
    };
    defineProperty(tool, 'name', { value: name });
    return tool;
  }
  for (var i = 0; i < toolNames.length; i++) globalThis[toolNames[i]] = makeTool(toolNames[i]);

  globalThis.require = function require(name) {
    var error = new Error('require(' + stringify(String(name)) + ') is not available: the sandbox has no modules. ' + importHint);
    error.name = 'ImportError';
    throw error;
  };

  function describeError(error) {
    if (error instanceof Error) {
      return stringify({ name: String(error.name), message: String(error.message), stack: String(error.stack || '') });
    }
    return stringify({ name: 'Uncaught', message: inspect(error, 0, [], true), stack: '' });
  }

  return {
    describe: function (value) { return inspect(value, 0, [], true); },
    describeError: describeError
  };
})`;
