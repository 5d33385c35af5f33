import { isPlainObject } from './json-schema-copy.ts';
import { withinCheckBudget } from './json-schema-cost.ts';

type Schema = Record<string, unknown> | boolean;

const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'null', 'object', 'array']);

/**
 * The part of a tool's JSON Schema (a plain copy, see copyJsonSchema) that core checks arguments
 * against before the call, ready for `z.fromJSONSchema`. Built from a list of keywords kept, each
 * with a value of the right kind; everything else is left out, so the check is looser than the
 * schema, never stricter, and the server checks the rest itself:
 * - `pattern`, `patternProperties` and `format`: a regex written by a server must not run on text
 *   written by a model in this process (backtracking can take exponential time). Where
 *   `patternProperties` was, `additionalProperties` goes too: the keys it allowed stay allowed.
 * - `maxLength`: zod counts UTF-16 code units where JSON Schema counts characters.
 * - `not`, `if`/`then`/`else`, `dependentSchemas`, `dependentRequired`, `unevaluated*`: zod has none.
 * - `default`: JSON Schema's is an annotation; zod's would fill the arguments in.
 * - `$ref` other than `#` and `#/$defs/<name>` or `#/definitions/<name>` of the root: nothing is
 *   fetched; such a reference checks nothing. The siblings of a `$ref` are left out too (draft-07
 *   ignores them).
 * - `enum` and `const` holding objects or arrays: zod compares those by identity.
 * - annotations (`description`, `title`, `examples`, ...) and unknown keywords.
 * - every `$ref`, when following them could cost more than a fixed budget of checks per call
 *   (see withinCheckBudget).
 * The root becomes `type: 'object'`, without a `$ref`.
 */
export function validationSchema(root: Record<string, unknown>): Record<string, unknown> {
  const schema = keptSchema(root, collectDefinitions(root));
  // Where references could make a check cost without bound, none is followed: looser, and bounded.
  return withinCheckBudget(schema)
    ? schema
    : keptSchema(root, { follow: false, targets: new Map(), definitions: new Map() });
}

function keptSchema(root: Record<string, unknown>, refs: References): Record<string, unknown> {
  const defs: Record<string, unknown> = {};
  // The root checks an object and nothing else: a `$ref` there (to `#` itself, say) is left out.
  const converted = keepValidation({ ...root, $ref: undefined }, refs);
  const schema: Record<string, unknown> = typeof converted === 'object' ? converted : {};
  schema.type = 'object';
  for (const [target, definition] of refs.definitions) defs[target] = keepValidation(definition, refs);
  if (refs.definitions.size > 0) schema.$defs = defs;
  return schema;
}

interface References {
  // False: every `$ref` checks nothing.
  follow: boolean;
  // `$defs/<name>` or `definitions/<name>` → the name under the copy's `$defs`.
  targets: Map<string, string>;
  definitions: Map<string, unknown>;
}

// Both containers go into one `$defs` under plain names (d0, d1, ...): zod reads only the one its
// draft names, and a plain name needs no JSON Pointer escaping.
function collectDefinitions(root: Record<string, unknown>): References {
  const refs: References = { follow: true, targets: new Map(), definitions: new Map() };
  for (const container of ['$defs', 'definitions']) {
    const entries = root[container];
    if (!isPlainObject(entries)) continue;
    for (const [name, definition] of Object.entries(entries)) {
      const target = `d${refs.definitions.size}`;
      refs.targets.set(`${container}/${name}`, target);
      refs.definitions.set(target, definition);
    }
  }
  return refs;
}

function localReference(ref: string, refs: References): string | undefined {
  if (!refs.follow) return undefined;
  if (ref === '#') return '#';
  const match = /^#\/(\$defs|definitions)\/([^/]+)$/.exec(ref);
  if (match === null) return undefined;
  let name: string;
  try {
    name = decodeURIComponent(match[2] ?? '')
      .replaceAll('~1', '/')
      .replaceAll('~0', '~');
  } catch {
    return undefined;
  }
  const target = refs.targets.get(`${match[1] ?? ''}/${name}`);
  return target === undefined ? undefined : `#/$defs/${target}`;
}

function keepValidation(node: unknown, refs: References): Schema {
  if (typeof node === 'boolean') return node;
  if (!isPlainObject(node)) return true;
  if (typeof node.$ref === 'string') {
    const target = localReference(node.$ref, refs);
    return target === undefined ? {} : { $ref: target };
  }
  const kept: Record<string, unknown> = {};
  const type = keptType(node.type);
  if (type !== undefined) kept.type = type;
  if (Array.isArray(node.enum) && node.enum.every(isPrimitive)) kept.enum = node.enum;
  if (node.const !== undefined && isPrimitive(node.const)) kept.const = node.const;
  for (const keyword of ['anyOf', 'oneOf', 'allOf']) {
    const members = node[keyword];
    if (Array.isArray(members) && members.length > 0) kept[keyword] = members.map((item) => keepValidation(item, refs));
  }
  keepObjectKeywords(node, kept, refs);
  keepArrayKeywords(node, kept, refs);
  for (const keyword of ['minLength', 'minProperties', 'maxProperties', 'minItems', 'maxItems']) {
    if (isCount(node[keyword])) kept[keyword] = node[keyword];
  }
  for (const keyword of ['minContains', 'maxContains']) if (isCount(node[keyword])) kept[keyword] = node[keyword];
  for (const keyword of ['minimum', 'maximum']) if (isFiniteNumber(node[keyword])) kept[keyword] = node[keyword];
  for (const keyword of ['exclusiveMinimum', 'exclusiveMaximum']) {
    // A number (draft 6 and later) or a boolean beside minimum/maximum (draft-04).
    if (isFiniteNumber(node[keyword]) || typeof node[keyword] === 'boolean') kept[keyword] = node[keyword];
  }
  if (isFiniteNumber(node.multipleOf) && node.multipleOf > 0) kept.multipleOf = node.multipleOf;
  return kept;
}

function keepObjectKeywords(node: Record<string, unknown>, kept: Record<string, unknown>, refs: References): void {
  if (isPlainObject(node.properties)) {
    const properties: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node.properties)) {
      Object.defineProperty(properties, key, {
        value: keepValidation(value, refs),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    kept.properties = properties;
  }
  if (Array.isArray(node.required)) kept.required = node.required.filter((key) => typeof key === 'string');
  const additional = node.additionalProperties;
  if (node.patternProperties === undefined && (typeof additional === 'boolean' || isPlainObject(additional))) {
    kept.additionalProperties = keepValidation(additional, refs);
  }
  if (typeof node.propertyNames === 'boolean' || isPlainObject(node.propertyNames)) {
    kept.propertyNames = keepValidation(node.propertyNames, refs);
  }
}

function keepArrayKeywords(node: Record<string, unknown>, kept: Record<string, unknown>, refs: References): void {
  for (const keyword of ['items', 'prefixItems']) {
    const items = node[keyword];
    if (Array.isArray(items)) kept[keyword] = items.map((item) => keepValidation(item, refs));
    else if (keyword === 'items' && (typeof items === 'boolean' || isPlainObject(items))) {
      kept.items = keepValidation(items, refs);
    }
  }
  for (const keyword of ['additionalItems', 'contains']) {
    const value = node[keyword];
    if (typeof value === 'boolean' || isPlainObject(value)) kept[keyword] = keepValidation(value, refs);
  }
  if (typeof node.uniqueItems === 'boolean') kept.uniqueItems = node.uniqueItems;
}

// Known type names only, each once: zod throws on others, and converts a schema once per name in
// a list, so repeats would multiply its work at every level.
function keptType(type: unknown): string | string[] | undefined {
  if (typeof type === 'string') return TYPES.has(type) ? type : undefined;
  if (!Array.isArray(type)) return undefined;
  const known = type.filter((name): name is string => typeof name === 'string' && TYPES.has(name));
  // A list with an unknown name allowed more than the known names: nothing is checked.
  return known.length === 0 || known.length !== type.length ? undefined : [...new Set(known)];
}

function isPrimitive(value: unknown): boolean {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
