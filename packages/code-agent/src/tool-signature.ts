import { z } from '@tinyagent/core';
import type { JsonSchema, Tool } from '@tinyagent/core';

/**
 * Describes a tool as the model calls it from code: a comment with its description and each
 * argument's, then a TypeScript signature generated from its zod schemas, e.g.
 * `function get_weather(args: { city: string, units?: "c" | "f" }): { celsius: number }`. A tool
 * defined by JSON Schema is described from its `inputSchema` and `outputSchema` alike.
 */
export function describeToolSignature(tool: Tool): string {
  const lines = tool.description.split('\n').map((line) => `// ${line}`.trimEnd());
  const properties = objectProperties(tool.jsonSchema);
  for (const [name, schema] of properties) {
    if (typeof schema.description === 'string') lines.push(`//   ${name}: ${schema.description}`);
  }
  const args = properties.length === 0 ? '' : `args: ${typeText(tool.jsonSchema, 0)}`;
  lines.push(`function ${tool.name}(${args}): ${returnType(tool)}`);
  return lines.join('\n');
}

function returnType(tool: Tool): string {
  // A tool defined by JSON Schema (an MCP server's) may describe its result so.
  if (tool.outputSchema !== undefined) return typeText(tool.outputSchema, 0);
  if (tool.returns === undefined) return 'unknown';
  try {
    return typeText(z.toJSONSchema(tool.returns, { io: 'output', unrepresentable: 'any' }), 0);
  } catch {
    return 'unknown';
  }
}

function objectProperties(schema: JsonSchema): [string, JsonSchema][] {
  const properties = schema.properties;
  if (typeof properties !== 'object' || properties === null) return [];
  return Object.entries(properties as Record<string, JsonSchema>);
}

const MAX_DEPTH = 4;

function typeText(schema: unknown, depth: number): string {
  if (typeof schema !== 'object' || schema === null || depth > MAX_DEPTH) return 'unknown';
  const node = schema as JsonSchema;
  if (Array.isArray(node.enum)) return node.enum.map((value) => JSON.stringify(value)).join(' | ');
  if ('const' in node) return JSON.stringify(node.const);
  const union: unknown = node.anyOf ?? node.oneOf;
  // A level like any other: unions nested in unions (an MCP server's schema) must not escape MAX_DEPTH.
  if (Array.isArray(union)) return [...new Set(union.map((member) => typeText(member, depth + 1)))].join(' | ');
  if (Array.isArray(node.type)) {
    // Each name once: a server's schema repeating 'object' in every list would multiply the text at every level.
    return [...new Set(node.type as unknown[])].map((type) => typeText({ ...node, type }, depth + 1)).join(' | ');
  }
  switch (node.type) {
    case 'string':
      return 'string';
    case 'number':
    case 'integer':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array':
      return arrayText(node, depth);
    case 'object':
      return objectText(node, depth);
    default:
      return 'unknown';
  }
}

function arrayText(node: JsonSchema, depth: number): string {
  if (Array.isArray(node.prefixItems)) {
    return `[${node.prefixItems.map((item) => typeText(item, depth + 1)).join(', ')}]`;
  }
  const item = typeText(node.items, depth + 1);
  return /[|&\s]/.test(item) && !item.startsWith('{') ? `(${item})[]` : `${item}[]`;
}

function objectText(node: JsonSchema, depth: number): string {
  const properties = objectProperties(node);
  const required = new Set(Array.isArray(node.required) ? (node.required as string[]) : []);
  if (properties.length === 0) {
    const values = node.additionalProperties;
    return typeof values === 'object' && values !== null
      ? `Record<string, ${typeText(values, depth + 1)}>`
      : 'Record<string, unknown>';
  }
  const fields = properties.map(([name, schema]) => {
    const key = /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name);
    return `${key}${required.has(name) ? '' : '?'}: ${typeText(schema, depth + 1)}`;
  });
  return `{ ${fields.join(', ')} }`;
}
