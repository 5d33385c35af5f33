import { getLogger, getPromptFallback, renderPrompt } from '@tinyagent/core/internal';
import type { Tool } from '@tinyagent/core';

/** How the agent and the model exchange tool calls: JSON objects in the text, or the API's function tools. */
export type ToolCallingMode = 'json' | 'native';

/**
 * The default system prompt of the JSON protocol. `{tools}` becomes one line per tool; every other
 * brace is sent as written.
 */
export const DEFAULT_JSON_PROMPT = `You are a helpful assistant that solves tasks step by step, using tools when they help.

Available tools (name: description. Arguments: JSON Schema):
{tools}

Reply with exactly one JSON object and nothing else, in one of two shapes.
To call a tool:
{"scratchpad": "your reasoning", "tool": "tool_name", "arguments": {"argument_name": "value"}}
To give the final answer:
{"scratchpad": "your reasoning", "answer": "your final answer"}

After a tool call you receive "Observation: <result>".
A result starting with "Error:" means the call failed: fix the arguments or try another way.
Give the answer as soon as you know it.`;

/**
 * The default system prompt of the native protocol. The tools travel as the API's function tools,
 * so the prompt does not list them again (a custom prompt may still use `{tools}`).
 */
export const DEFAULT_NATIVE_PROMPT = `You are a helpful assistant that solves tasks step by step, using the tools you are given when they help.
Call several tools at once when the calls do not depend on each other.
A tool result starting with "Error:" means the call failed: fix the arguments or try another way.
When you know the answer, reply with it as plain text, without calling a tool.`;

/**
 * Renders an agent's system prompt once: the template from `promptFile` (core's loading, with the
 * default as fallback) or the protocol's default, with `{tools}` filled in.
 */
export function buildSystemPrompt(
  tools: readonly Tool[],
  mode: ToolCallingMode,
  promptFile: string | undefined,
): string {
  const template = getPromptFallback(mode === 'json' ? DEFAULT_JSON_PROMPT : DEFAULT_NATIVE_PROMPT, promptFile);
  // In the JSON protocol the prompt is the model's only source for the tool list; a custom template
  // without the placeholder is almost always a mistake, but the author may list tools by hand.
  if (mode === 'json' && !template.includes('{tools}')) {
    getLogger().warn(
      `The prompt${promptFile === undefined ? '' : ` in ${promptFile}`} has no {tools} placeholder: ` +
        'with toolCalling "json" the model only knows the tools the prompt describes.',
    );
  }
  return renderPrompt(template, { tools: describeTools(tools) });
}

/** One line per tool: `- name: description. Arguments: <JSON Schema>`. */
export function describeTools(tools: readonly Tool[]): string {
  return tools
    .map((entry) => {
      const description = entry.description
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '')
        .join(' ');
      const separator = /[.!?]$/.test(description) ? '' : '.';
      return `- ${entry.name}: ${description}${separator} Arguments: ${JSON.stringify(entry.jsonSchema)}`;
    })
    .join('\n');
}
