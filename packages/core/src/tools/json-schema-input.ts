import { z } from 'zod';
import { ConfigurationError } from '../errors.ts';
import { copyJsonSchema, isPlainObject } from './json-schema-copy.ts';
import { MAX_ARGUMENT_DEPTH, nestedTooDeep } from './json-schema-cost.ts';
import { validationSchema } from './json-schema-validation.ts';
import { describeThrown } from './stringify.ts';

/** A tool's `inputSchema`, read: what the model sees, and the zod schema that checks arguments. */
export interface JsonSchemaInput {
  /** The schema as given, made safe for providers (see `describedSchema`). */
  jsonSchema: Record<string, unknown>;
  validator: z.ZodType;
}

const EXAMPLE = "{ type: 'object', properties: { path: { type: 'string' } }, required: ['path'] }";

/**
 * Reads the `inputSchema` of tool `name`: copies it within JSON_SCHEMA_LIMITS and builds, once, the
 * zod schema its arguments are checked with (looser than the schema where zod cannot follow it
 * safely: see validationSchema). Throws ConfigurationError saying what is wrong and what to pass;
 * never another error, whatever the schema holds.
 */
export function readInputSchema(name: string, inputSchema: unknown): JsonSchemaInput {
  const what = `Tool '${name}': inputSchema`;
  if (!isPlainObject(inputSchema)) {
    throw new ConfigurationError(
      `${what} must be a JSON Schema object describing the arguments, e.g. ${EXAMPLE}; ` +
        `received ${Array.isArray(inputSchema) ? 'an array' : inputSchema === null ? 'null' : `a ${typeof inputSchema}`}.`,
    );
  }
  const copy = copyJsonSchema(inputSchema, what) as Record<string, unknown>;
  if (copy.type !== undefined && copy.type !== 'object') {
    throw new ConfigurationError(
      `${what} has type ${JSON.stringify(copy.type)}, but a tool's arguments are one JSON object: ` +
        `give type 'object' with the arguments under properties, e.g. ${EXAMPLE}.`,
    );
  }
  if (copy.type === undefined && !isPlainObject(copy.properties)) {
    throw new ConfigurationError(
      `${what} has neither type 'object' nor properties: describe the arguments as one JSON object, e.g. ` +
        `${EXAMPLE} (a tool without arguments: { type: 'object' }).`,
    );
  }
  return { jsonSchema: describedSchema(copy), validator: buildValidator(what, copy) };
}

/**
 * Reads the `outputSchema` of tool `name`: a plain copy within JSON_SCHEMA_LIMITS, kept as
 * documentation of the result (never checked). Throws ConfigurationError for anything else.
 */
export function readOutputSchema(name: string, outputSchema: unknown): Record<string, unknown> | undefined {
  if (outputSchema === undefined) return undefined;
  const what = `Tool '${name}': outputSchema`;
  if (!isPlainObject(outputSchema)) {
    throw new ConfigurationError(`${what} must be a JSON Schema object describing the result, or left out.`);
  }
  return copyJsonSchema(outputSchema, what) as Record<string, unknown>;
}

// The schema the model reads is the server's, not a round trip through zod: only what providers
// need is changed. `$schema` goes (zod tools send none either, and some providers refuse it); an
// object root without `type` or `properties` gets them, as providers' function calling expects both.
function describedSchema(copy: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = copy;
  const described: Record<string, unknown> = { type: 'object' };
  for (const [key, value] of Object.entries(rest)) {
    Object.defineProperty(described, key, { value, enumerable: true, writable: true, configurable: true });
  }
  if (described.properties === undefined) described.properties = {};
  return described;
}

function buildValidator(what: string, copy: Record<string, unknown>): z.ZodType {
  try {
    // A registry of its own: zod records a schema's annotations there, and the global one keeps ids forever.
    const validator = z.fromJSONSchema(validationSchema(copy), {
      defaultTarget: 'draft-2020-12',
      registry: z.registry(),
    });
    // The check's cost is bounded for arguments up to this depth (see withinCheckBudget).
    return z
      .unknown()
      .refine((value) => !nestedTooDeep(value), {
        message: `arguments nested deeper than ${MAX_ARGUMENT_DEPTH} levels are not accepted`,
      })
      .pipe(validator);
  } catch (error) {
    // validationSchema keeps only what zod converts; this is the guard should zod change.
    throw new ConfigurationError(
      `${what} could not be turned into a check of the arguments ` +
        `(${describeThrown(error)}). Simplify the schema, or define the tool ` +
        'with zod parameters.',
      { cause: error },
    );
  }
}
