import { isPlainObject } from './json-schema-copy.ts';

/** How deep arguments of a tool defined by JSON Schema may nest; deeper ones are refused unchecked. */
export const MAX_ARGUMENT_DEPTH = 64;

// Schema applications one call's check may cost, summed over every level of the arguments.
const MAX_CHECKS = 50_000;
// Nested calls of the estimate before it gives up (a long chain of definitions), well within the stack.
const MAX_FRAMES = 2_000;

const SAME_VALUE = ['anyOf', 'oneOf', 'allOf'];
const NESTED_VALUE = ['additionalProperties', 'propertyNames', 'additionalItems', 'contains'];

/**
 * True when checking arguments against `schema` (a validation copy, see validationSchema) stays
 * within a fixed number of schema applications for arguments up to MAX_ARGUMENT_DEPTH deep.
 * `$ref` makes a schema a graph: unions that refer twice to the next definition double the work at
 * every level, and a definition that refers to itself at the same level never ends. Either is what
 * a hostile server would send to freeze the process on a model's arguments.
 */
export function withinCheckBudget(schema: Record<string, unknown>): boolean {
  const definitions = isPlainObject(schema.$defs) ? schema.$defs : {};
  const memo = new Map<unknown, number[]>();
  // The nodes being costed, each with the levels it is being costed at.
  const active = new Map<unknown, Set<number>>();

  const resolve = (ref: string): unknown => (ref === '#' ? schema : definitions[ref.slice('#/$defs/'.length)]);

  // Applications of `node` to one value and, `levels` deep, to what it holds; Infinity past the budget.
  const cost = (node: unknown, levels: number, frames: number): number => {
    if (!isPlainObject(node)) return 1;
    const known = memo.get(node)?.[levels];
    if (known !== undefined) return known;
    // A node met again at the same level before it was costed: a loop that never reaches a value.
    const levelsActive = active.get(node) ?? new Set<number>();
    if (levelsActive.has(levels) || frames > MAX_FRAMES) return Infinity;
    levelsActive.add(levels);
    active.set(node, levelsActive);
    const children: [unknown, number][] = [];
    if (typeof node.$ref === 'string') children.push([resolve(node.$ref), levels]);
    for (const keyword of SAME_VALUE) {
      const members = node[keyword];
      if (Array.isArray(members)) for (const member of members) children.push([member, levels]);
    }
    if (levels > 0) {
      const properties = isPlainObject(node.properties) ? Object.values(node.properties) : [];
      const items: unknown[] = Array.isArray(node.items) ? node.items : [node.items];
      const prefixItems: unknown[] = Array.isArray(node.prefixItems) ? node.prefixItems : [];
      const nested = NESTED_VALUE.map((keyword) => node[keyword]);
      for (const child of [...properties, ...items, ...prefixItems, ...nested]) {
        if (child !== undefined) children.push([child, levels - 1]);
      }
    }
    let total = 1;
    for (const [child, childLevels] of children) {
      total += cost(child, childLevels, frames + 1);
      if (total > MAX_CHECKS) break;
    }
    levelsActive.delete(levels);
    const result = total > MAX_CHECKS ? Infinity : total;
    const byLevel = memo.get(node) ?? [];
    byLevel[levels] = result;
    memo.set(node, byLevel);
    return result;
  };

  return cost(schema, MAX_ARGUMENT_DEPTH, 0) <= MAX_CHECKS;
}

/** True when `value` nests objects and arrays deeper than MAX_ARGUMENT_DEPTH levels. */
export function nestedTooDeep(value: unknown): boolean {
  let level: unknown[] = [value];
  for (let depth = 0; level.length > 0; depth += 1) {
    const next: unknown[] = [];
    for (const item of level) {
      if (typeof item !== 'object' || item === null) continue;
      if (depth >= MAX_ARGUMENT_DEPTH) return true;
      for (const child of Array.isArray(item) ? item : Object.values(item)) next.push(child);
    }
    level = next;
  }
  return false;
}
