// The JavaScript that sets up a fresh sandbox, run inside QuickJS before any model code. It receives the
// host functions in a closure and never stores them on a global, so model code reaches them only
// through these wrappers. Formatting values (console.log, the last expression, final_answer) happens
// here, inside the guest: a hostile getter, toJSON or Proxy runs under the sandbox's deadline and
// memory limit, and only strings ever reach the host.

/**
 * Source of a guest function `(host) => ({ describe, describeError })`. `host` holds `print(text)`,
 * `callTool(name, json)`, `submitAnswer(text, length, isString)`, `toolNames`, `importHint`, `maxLine` and
 * `maxAnswer`.
 */
export const GUEST_PRELUDE = String.raw`(function (host) {
  'use strict';
  var print = host.print, callTool = host.callTool, submitAnswer = host.submitAnswer;
  var toolNames = host.toolNames, importHint = host.importHint, maxLine = host.maxLine, maxAnswer = host.maxAnswer;
  // Model code may replace any built-in (Array.prototype.push = null, JSON.parse = ...): everything this
  // prelude needs is captured now, and prototype methods are called through uncurried copies.
  var uncurry = Function.prototype.bind.bind(Function.prototype.call);
  var stringify = JSON.stringify, parseJson = JSON.parse, isArray = Array.isArray, arrayFrom = Array.from;
  var getPrototypeOf = Object.getPrototypeOf, keysOf = Object.keys, is = Object.is, fromEntries = Object.fromEntries;
  var describeProperty = Object.getOwnPropertyDescriptor, defineProperty = Object.defineProperty;
  var isView = ArrayBuffer.isView, isNaNValue = isNaN, StringOf = String;
  var ErrorClass = Error, TypeErrorClass = TypeError, PromiseClass = Promise, MapClass = Map, SetClass = Set;
  var DateClass = Date, RegExpClass = RegExp, InternalErrorClass = InternalError;
  var replace = uncurry(String.prototype.replace), slice = uncurry(String.prototype.slice);
  var charAt = uncurry(String.prototype.charAt), test = uncurry(RegExp.prototype.test);
  var functionText = uncurry(Function.prototype.toString), symbolText = uncurry(Symbol.prototype.toString);
  var dateTime = uncurry(Date.prototype.getTime), dateIso = uncurry(Date.prototype.toISOString);
  var regexpText = uncurry(RegExp.prototype.toString);
  var mapEach = uncurry(Map.prototype.forEach), mapEntries = uncurry(Map.prototype.entries);
  var mapSize = uncurry(describeProperty(Map.prototype, 'size').get);
  var setSize = uncurry(describeProperty(Set.prototype, 'size').get);
  var identifier = /^[A-Za-z_$][\w$]*$/, classSource = /^class[\s{]/;
  var MAX_ITEMS = 100, MAX_DEPTH = 2, MAX_STACK = 4096;

  function append(list, item) { list[list.length] = item; }
  function joined(list, separator) {
    var text = '';
    for (var i = 0; i < list.length; i++) text += (i === 0 ? '' : separator) + list[i];
    return text;
  }
  function mapped(list, transform) {
    var result = [];
    for (var i = 0; i < list.length && i <= MAX_ITEMS; i++) append(result, transform(list[i]));
    return result;
  }

  function quote(text) {
    return "'" + replace(replace(replace(text, /\\/g, '\\\\'), /'/g, "\\'"), /\n/g, '\\n') + "'";
  }

  function typeName(value) {
    var proto = getPrototypeOf(value);
    if (proto === null) return '[Object: null prototype]';
    var ctor = proto.constructor;
    return typeof ctor === 'function' && typeof ctor.name === 'string' ? ctor.name : '';
  }

  function inspectEntries(items, total, depth, seen, open, close) {
    var parts = [];
    for (var i = 0; i < items.length && i < MAX_ITEMS; i++) append(parts, items[i](depth, seen));
    if (total > MAX_ITEMS) append(parts, '... ' + (total - MAX_ITEMS) + ' more items');
    return parts.length === 0 ? open + close : open + ' ' + joined(parts, ', ') + ' ' + close;
  }

  function nested(value) {
    return function (depth, seen) { return inspect(value, depth + 1, seen, true); };
  }

  function propertyText(object, key) {
    var descriptor = describeProperty(object, key);
    var name = test(identifier, key) ? key : quote(key);
    if (descriptor.get !== undefined || descriptor.set !== undefined) {
      var kind = descriptor.get && descriptor.set ? 'Getter/Setter' : descriptor.get ? 'Getter' : 'Setter';
      return function () { return name + ': [' + kind + ']'; };
    }
    return function (depth, seen) { return name + ': ' + inspect(descriptor.value, depth + 1, seen, true); };
  }

  function inspectObject(value, depth, seen) {
    if (value instanceof ErrorClass) return value.name + ': ' + value.message;
    if (value instanceof DateClass) return isNaNValue(dateTime(value)) ? 'Invalid Date' : dateIso(value);
    if (value instanceof RegExpClass) return regexpText(value);
    if (value instanceof PromiseClass) return 'Promise {}';
    if (depth > MAX_DEPTH) return isArray(value) ? '[Array]' : '[' + (typeName(value) || 'Object') + ']';
    append(seen, value);
    try {
      if (isArray(value)) return inspectEntries(mapped(value, nested), value.length, depth, seen, '[', ']');
      if (isView(value)) {
        var items = mapped(arrayFrom(value), nested);
        return typeName(value) + '(' + value.length + ') ' + inspectEntries(items, value.length, depth, seen, '[', ']');
      }
      if (value instanceof MapClass) {
        var pairs = [];
        mapEach(value, function (item, key) {
          append(pairs, function (d, s) { return inspect(key, d + 1, s, true) + ' => ' + inspect(item, d + 1, s, true); });
        });
        return 'Map(' + mapSize(value) + ') ' + inspectEntries(pairs, pairs.length, depth, seen, '{', '}');
      }
      if (value instanceof SetClass) {
        return 'Set(' + setSize(value) + ') ' + inspectEntries(mapped(arrayFrom(value), nested), setSize(value), depth, seen, '{', '}');
      }
      var keys = keysOf(value);
      var properties = mapped(keys, function (key) { return propertyText(value, key); });
      var body = inspectEntries(properties, keys.length, depth, seen, '{', '}');
      var name = typeName(value);
      return name === 'Object' ? body : name + ' ' + body;
    } finally {
      seen.length -= 1;
    }
  }

  function inspect(value, depth, seen, quoted) {
    switch (typeof value) {
      case 'string': return quoted ? quote(value) : value;
      case 'number': return is(value, -0) ? '-0' : StringOf(value);
      case 'bigint': return StringOf(value) + 'n';
      case 'symbol': return symbolText(value);
      case 'undefined': return 'undefined';
      case 'boolean': return StringOf(value);
      case 'function':
        return test(classSource, functionText(value))
          ? '[class ' + (value.name || '(anonymous)') + ']'
          : '[Function: ' + (value.name || '(anonymous)') + ']';
    }
    if (value === null) return 'null';
    for (var i = 0; i < seen.length; i++) if (seen[i] === value) return '[Circular]';
    return inspectObject(value, depth, seen);
  }

  // One character past the limit crosses, so that the host knows the text was longer and says it was cut.
  function bounded(text) {
    return text.length > maxLine ? slice(text, 0, maxLine + 1) : text;
  }

  function formatLine(args) {
    var parts = [];
    for (var i = 0; i < args.length; i++) append(parts, inspect(args[i], 0, [], false));
    return bounded(joined(parts, ' '));
  }

  var log = function () { print(formatLine(arguments)); };
  globalThis.console = { log: log, info: log, warn: log, error: log, debug: log };

  function jsonReplacer(key, value) {
    if (typeof value === 'bigint') return StringOf(value);
    if (value instanceof MapClass) {
      var plain = true;
      mapEach(value, function (item, entryKey) {
        if (typeof entryKey !== 'string' && typeof entryKey !== 'number') plain = false;
      });
      return plain ? fromEntries(mapEntries(value)) : arrayFrom(mapEntries(value));
    }
    if (value instanceof SetClass) return arrayFrom(value);
    if (value instanceof ErrorClass) return value.name + ': ' + value.message;
    return value;
  }

  function answerText(value) {
    if (value === undefined || value === null) return 'null';
    if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return StringOf(value);
    try {
      var text = stringify(value, jsonReplacer);
      return text === undefined ? 'null' : text;
    } catch (error) {
      return inspect(value, 0, [], true);
    }
  }

  globalThis.final_answer = function final_answer(value) {
    if (arguments.length === 0) throw new TypeErrorClass('final_answer(value) needs the answer as its argument.');
    var text = typeof value === 'string' ? value : answerText(value);
    // Cut here, so an answer of many megabytes is never copied out of the sandbox whole.
    submitAnswer(slice(text, 0, maxAnswer), text.length, typeof value === 'string');
  };

  function makeTool(name) {
    var tool = function () {
      if (arguments.length > 1) {
        throw new TypeErrorClass(name + '() takes one object of named arguments, e.g. ' + name + '({ ... }); it got ' + arguments.length + ' arguments.');
      }
      var argument = arguments[0];
      var reply = callTool(name, argument === undefined ? undefined : stringify(argument));
      var kind = charAt(reply, 0), body = slice(reply, 1);
      if (kind === 'u') return undefined;
      if (kind === 's') return body;
      if (kind === 'j') return parseJson(body);
      var failure = parseJson(body);
      var error = new ErrorClass(failure.message);
      error.name = failure.name;
      throw error;
    };
    defineProperty(tool, 'name', { value: name });
    return tool;
  }
  for (var i = 0; i < toolNames.length; i++) globalThis[toolNames[i]] = makeTool(toolNames[i]);

  globalThis.require = function require(name) {
    var error = new ErrorClass('require(' + stringify(StringOf(name)) + ') is not available: the sandbox has no modules. ' + importHint);
    error.name = 'ImportError';
    throw error;
  };

  // The last expression and a thrown error are as much the model's reading as console output: cut
  // here like it, so that a huge value never crosses whole. The host only looks for a line in the stack.
  function describeThrown(error) {
    if (error instanceof ErrorClass) {
      var stack = slice(StringOf(error.stack || ''), 0, MAX_STACK);
      return stringify({ name: bounded(StringOf(error.name)), message: bounded(StringOf(error.message)), stack: stack });
    }
    return stringify({ name: 'Uncaught', message: bounded(inspect(error, 0, [], true)), stack: '' });
  }

  var UNSHOWN = stringify({ name: 'Uncaught', message: '[the thrown value could not be shown]', stack: '' });

  // The host reads a description that fails as memory exhausted (the one failure a description of
  // plain data can have), and resets the sandbox: a getter, toString or Proxy of the thrown value
  // that throws must not pass for that. Only QuickJS's own out-of-memory error (or the null it throws
  // when it cannot even allocate that) goes on; checking it runs no code of the model's.
  function describeError(error) {
    try {
      return describeThrown(error);
    } catch (failure) {
      var memory = false;
      try {
        memory = failure === null || (failure instanceof InternalErrorClass && failure.message === 'out of memory');
      } catch (ignored) {}
      if (memory) throw failure;
      return UNSHOWN;
    }
  }

  return {
    describe: function (value) { return bounded(inspect(value, 0, [], true)); },
    describeError: describeError
  };
})`;
