// The JavaScript that makes a sandbox's clock and randomness replayable, run inside QuickJS after the
// guest prelude and before any model code. A replayed run re-executes the model's earlier code blocks
// in a fresh sandbox to rebuild its variables; for that code to compute what it computed the first time,
// every value it got from the clock or from Math.random must come back the same:
//
// - Math.random draws from sfc32 (Chris Doty-Humphrey's small fast counter generator: 128 bits of
//   state, passes PractRand), reseeded by the host before each execution with 128 bits the main thread
//   took through the step seam (`code/seed`). The generator runs in guest JavaScript: a host function
//   costs some 3.5 µs per call against 0.5 µs here (measured), and Monte-Carlo code calls it millions
//   of times.
// - Every clock read (Date.now(), new Date() without arguments, Date()) is one call of the host's
//   `now`, which the worker answers from its own clock or, in an agent run, from the main thread,
//   which takes each reading through the step seam (`code/clock/<n>`).
//
// The guest cannot reach the real ones around these: QuickJS has no performance, crypto, Intl or
// Temporal, the intrinsic Date is reachable only through the global and Date.prototype.constructor
// (both replaced) and the intrinsic Math.random only through Math. What the guest sees keeps the
// built-ins' shape: the replacements are bound functions, so `String(Date)` still reads
// `function Date() { [native code] }`, and `new Date(x)`, subclasses and instanceof work as before.

/**
 * Source of a guest function `(host) => ({ reseed })`. `host.now()` returns the clock reading for the
 * guest; `reseed(a, b, c, d)` restarts Math.random from four unsigned 32-bit integers.
 */
export const DETERMINISM_PRELUDE = String.raw`(function (host) {
  'use strict';
  var now = host.now;
  var RealDate = Date, construct = Reflect.construct, defineProperty = Object.defineProperty;
  var ownNames = Object.getOwnPropertyNames, describeProperty = Object.getOwnPropertyDescriptor;
  var uncurry = Function.prototype.bind.bind(Function.prototype.call);
  var bindTo = uncurry(Function.prototype.bind), dateText = uncurry(RealDate.prototype.toString);

  // A bound function prints as native code and hides its target's source.
  function asBuiltIn(target, name) {
    var bound = bindTo(target, undefined);
    defineProperty(bound, 'name', { value: name, configurable: true });
    return bound;
  }

  var a = 0, b = 0, c = 0, d = 1;
  function next() {
    var t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (((c << 21) | (c >>> 11)) + t) | 0;
    return t >>> 0;
  }
  // 53 random bits, as V8 makes them: 27 from one output and 26 from the next.
  function random() {
    return ((next() >>> 5) * 67108864 + (next() >>> 6)) / 9007199254740992;
  }
  function reseed(s0, s1, s2, s3) {
    a = s0 | 0; b = s1 | 0; c = s2 | 0; d = s3 | 0;
    // sfc32's first outputs still show its seed: its author discards a dozen.
    for (var i = 0; i < 12; i++) next();
  }

  var GuestDate = function Date(year, monthIndex, day, hours, minutes, seconds, milliseconds) {
    if (new.target === undefined) return dateText(new RealDate(now()));
    return construct(RealDate, arguments.length === 0 ? [now()] : arguments, new.target);
  };
  // Instances keep the intrinsic prototype, so every Date method, instanceof and subclasses behave as before.
  defineProperty(GuestDate, 'prototype', { value: RealDate.prototype, writable: false });
  var PublicDate = asBuiltIn(GuestDate, 'Date');
  defineProperty(PublicDate, 'prototype', { value: RealDate.prototype });
  var statics = ownNames(RealDate);
  for (var i = 0; i < statics.length; i++) {
    var key = statics[i];
    if (key !== 'length' && key !== 'name' && key !== 'prototype') defineProperty(PublicDate, key, describeProperty(RealDate, key));
  }
  defineProperty(PublicDate, 'now', { value: asBuiltIn(now, 'now') });
  defineProperty(RealDate.prototype, 'constructor', { value: PublicDate });
  defineProperty(globalThis, 'Date', { value: PublicDate });
  defineProperty(Math, 'random', { value: asBuiltIn(random, 'random') });

  return { reseed: reseed };
})`;
