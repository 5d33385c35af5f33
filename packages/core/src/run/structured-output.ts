import { z } from 'zod';
import { ConfigurationError, StepLimitReached, formatPath } from '../errors.ts';
import { lastAssistantText } from '../message-text.ts';
import { redactSecrets, redactValue } from '../secrets.ts';
import { isZod3Schema } from '../tools/tool.ts';
import type { JsonSchema } from '../tools/tool.ts';
import type { AgentRun } from './agent-run.ts';

// What acceptAnswer needs of the run.
type AnsweringRun = Pick<AgentRun, 'answer' | 'isFinalAttempt' | 'maxSteps' | 'transcript' | 'correct'>;

/** A zod 4 schema the final answer must match; `Output` is what it parses the answer into. */
export type OutputSchema<Output = unknown> = z.core.$ZodType<Output>;

/** What `run()` resolves with under `Schema`: the schema's output, or the answer text without a schema. */
export type AnswerOf<Schema> = Schema extends OutputSchema ? z.output<Schema> : string;

/**
 * The type of `RunResult.finalAnswer.value` under `Schema`: the schema's output, or `unknown`
 * without a schema (a protocol may answer with text or any JSON value).
 */
export type AnswerValueOf<Schema> = Schema extends OutputSchema ? z.output<Schema> : unknown;

/** An output schema checked and prepared for runs: its JSON Schema and the system prompt section showing it. */
export interface StructuredOutput {
  readonly schema: OutputSchema;
  readonly jsonSchema: JsonSchema;
  /** Appended to the system prompt of every run that uses the schema. */
  readonly promptSection: string;
}

// An agent's schema serves all its runs: its JSON Schema is built once, not per run.
const prepared = new WeakMap<object, StructuredOutput>();

// A correction listing hundreds of issues helps the model no more than the first few.
const MAX_ISSUES_SHOWN = 10;

/**
 * Checks an `output` option and prepares it; undefined for none. Throws ConfigurationError for
 * anything but a zod 4 schema (zod 3 included) and for a schema JSON Schema cannot describe.
 * `owner` names what was configured, such as `ReactAgent`.
 */
export function prepareOutput(value: unknown, owner: string): StructuredOutput | undefined {
  if (value === undefined) return undefined;
  const cached = typeof value === 'object' && value !== null ? prepared.get(value) : undefined;
  if (cached !== undefined) return cached;
  const schema = checkSchema(value, owner);
  const jsonSchema = describeSchema(schema, owner);
  const output: StructuredOutput = Object.freeze({
    schema,
    jsonSchema,
    promptSection:
      '\n\n## Final answer format\n' +
      'Your final answer must be a JSON value that matches the JSON Schema below. Give it where the final ' +
      'answer goes, as described above, with nothing else around it.\n' +
      `\`\`\`json\n${JSON.stringify(jsonSchema, null, 2)}\n\`\`\``,
  });
  prepared.set(schema, output);
  return output;
}

/** The system prompt of a run: the protocol's, plus the output section when the run has a schema. */
export function withOutputSection(systemPrompt: string, output: StructuredOutput | undefined): string {
  return output === undefined ? systemPrompt : systemPrompt + output.promptSection;
}

// What reading an answer against the schema gave: the parsed value, or the issues, each with its field path.
type AnswerReading = { ok: true; value: unknown } | { ok: false; issues: string[] };

// A string is read as JSON first (bare, or in the first ``` fence, as models like to send it), and
// as the string itself when that fails, so that a schema of strings accepts plain text. The parsed
// value is redacted: JSON escapes may spell a key.
function readAnswer(schema: OutputSchema, answer: unknown): AnswerReading {
  if (typeof answer !== 'string') return validate(schema, answer);
  const decoded = decodeJson(answer);
  const fromJson = decoded.ok ? validate(schema, decoded.value) : undefined;
  if (fromJson?.ok === true) return fromJson;
  const asText = validate(schema, answer);
  if (asText.ok) return asText;
  if (fromJson !== undefined) return fromJson;
  return { ok: false, issues: [`(answer): the answer is not JSON (${decoded.ok ? '' : decoded.reason})`] };
}

/**
 * What `AgentRun.finish` gives its Finalizer when the run has an output schema: the parsed answer,
 * or undefined when the answer does not match. Then the model gets a correction naming the issues
 * (a step like any other), or, in the final attempt, the run ends with StepLimitReached naming them.
 */
export function acceptAnswer(
  run: AnsweringRun,
  output: StructuredOutput | undefined,
  answer: unknown,
): { value: unknown } | undefined {
  // A second answer is MultipleFinalAnswers, whatever it holds: the Finalizer says so.
  if (output === undefined || run.answer !== undefined) return { value: answer };
  const reading = readAnswer(output.schema, answer);
  if (reading.ok) return { value: reading.value };
  const shown = reading.issues.slice(0, MAX_ISSUES_SHOWN);
  const more = reading.issues.length - shown.length;
  const list = redactSecrets(shown.map((issue) => `- ${issue}`).join('\n') + (more > 0 ? `\n- and ${more} more` : ''));
  if (run.isFinalAttempt) {
    throw new StepLimitReached(
      `The agent took ${run.maxSteps} steps without reaching a final answer, and the answer of its final attempt ` +
        `does not match the output schema:\n${list}\nRaise maxSteps, or describe the expected fields in the task ` +
        'or with .describe() on the schema.',
      {
        stepsTaken: run.maxSteps,
        finalAttemptMade: true,
        context: { maxSteps: run.maxSteps, lastReply: lastAssistantText(run.transcript), outputIssues: reading.issues },
      },
    );
  }
  run.correct(
    'the final answer does not match the output schema',
    `Your final answer does not match the required JSON Schema:\n${list}\n` +
      'Give the whole final answer again, corrected, the same way as before.',
  );
  return undefined;
}

function validate(schema: OutputSchema, value: unknown): AnswerReading {
  let result: z.ZodSafeParseResult<unknown>;
  try {
    result = z.safeParse(schema, value);
  } catch (error) {
    if (error instanceof z.core.$ZodAsyncError) {
      throw new ConfigurationError(
        'The output schema has an async refinement or transform, which a final answer cannot wait for: ' +
          'use synchronous ones (.refine(value => ...) without async).',
        { cause: error },
      );
    }
    throw error;
  }
  if (result.success) return { ok: true, value: redactValue(result.data) };
  return {
    ok: false,
    issues: result.error.issues.map(
      (issue) => `${issue.path.length === 0 ? '(answer)' : formatPath(issue.path)}: ${issue.message}`,
    ),
  };
}

// The whole text as JSON, else the body of its first ``` fence. indexOf keeps it linear in the
// text's length, whatever the model sends.
function decodeJson(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  const whole = parseJson(text);
  if (whole.ok) return whole;
  const open = text.indexOf('```');
  const bodyStart = open === -1 ? -1 : text.indexOf('\n', open);
  if (bodyStart === -1) return whole;
  const close = text.indexOf('```', bodyStart);
  const fenced = parseJson(text.slice(bodyStart + 1, close === -1 ? undefined : close));
  return fenced.ok ? fenced : whole;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

function checkSchema(value: unknown, owner: string): OutputSchema {
  const example = 'e.g. output: z.object({ title: z.string(), year: z.number() })';
  if (isZod3Schema(value)) {
    throw new ConfigurationError(
      `${owner}: output is a zod 3 schema, but TinyAgent needs zod 4. Use \`import { z } from 'zod'\` with ` +
        `zod 4 installed, or \`import { z } from '@tinyagent/core'\`, which re-exports zod 4 (${example}).`,
    );
  }
  const internals = (value as { _zod?: { def?: unknown } } | null)?._zod;
  if (typeof value !== 'object' || value === null || typeof internals?.def !== 'object') {
    const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    throw new ConfigurationError(
      `${owner}: output must be a zod 4 schema the final answer is parsed with (${example}); got ${got}.`,
    );
  }
  return value as OutputSchema;
}

function describeSchema(schema: OutputSchema, owner: string): JsonSchema {
  try {
    // The model writes what the schema parses, so it is shown the schema's input side.
    const { $schema: _ignored, ...jsonSchema } = z.toJSONSchema(schema, { io: 'input' });
    return jsonSchema;
  } catch (error) {
    throw new ConfigurationError(
      `${owner}: the output schema cannot be described to the model as JSON Schema ` +
        `(${error instanceof Error ? error.message : String(error)}). Use JSON types (string, number, boolean, ` +
        'arrays, objects), or z.coerce for dates.',
      { cause: error },
    );
  }
}
