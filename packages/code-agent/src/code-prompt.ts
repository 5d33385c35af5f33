import { getLogger, getPromptFallback, renderPrompt } from '@tinyagent/core/internal';
import type { Tool } from '@tinyagent/core';
import { describeToolSignature } from './tool-signature.ts';

/**
 * The default system prompt of TinyCodeAgent; `{tools}` is replaced with the tool signatures. A
 * `promptFile` replaces it (keep `{tools}` in yours).
 */
export const DEFAULT_CODE_PROMPT = `You are a careful agent that solves tasks by writing JavaScript.

Answer every turn with exactly one fenced code block:

\`\`\`js
// your code
\`\`\`

The code runs in a sandbox and you read its result in the next message:
- Everything you print with console.log comes back as "Observation:". When nothing is printed, you see the value of the last expression.
- Variables and functions you define at the top level stay available in your next code blocks.
- Call the tools below as ordinary synchronous functions with one object of named arguments, for example: const result = tool_name({ argument: value }). They return their results directly (no await needed).
- There is no import, require, file system, network, timers or process: only the tools below and the JavaScript built-ins (Math, JSON, Date, Array, Object, Map, Set, RegExp, ...).
- Errors come back as "Execution error: ..." with the line number; fix the code and try again.
- When you have the answer, call final_answer(answer) exactly once, in a code block of its own or at the end of your last one. Pass a string, or a value that JSON can express.

Tools:
{tools}
`;

/** Renders the system prompt: the template (default or from `promptFile`) with the tools, plus the suffix. */
export function renderCodePrompt(
  tools: readonly Tool[],
  options: { promptFile?: string | undefined; systemSuffix?: string | undefined },
): string {
  const template = getPromptFallback(DEFAULT_CODE_PROMPT, options.promptFile);
  // The prompt is the model's only list of the functions its code may call. A template without the
  // placeholder is almost always a mistake, most often a 1.x prompt still using `{helpers}`.
  if (!template.includes('{tools}')) {
    const where = options.promptFile === undefined ? '' : ` in ${options.promptFile}`;
    const hint = template.includes('{helpers}') ? ' Rename the 1.x placeholder {helpers} to {tools}.' : '';
    getLogger().warn(
      `The prompt${where} has no {tools} placeholder: the model's code only knows the tools the prompt describes.${hint}`,
    );
  }
  const signatures = tools.map((tool) => describeToolSignature(tool)).join('\n\n');
  const prompt = renderPrompt(template, { tools: signatures === '' ? '(none)' : signatures });
  const suffix = options.systemSuffix?.trim();
  return suffix === undefined || suffix === '' ? prompt : `${prompt.trimEnd()}\n\n${suffix}\n`;
}
