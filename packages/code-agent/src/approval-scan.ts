import { parse } from 'acorn';
import type { Node } from 'acorn';
import { MODEL_CODE_PARSE_OPTIONS, stripTypes } from './sandbox/code-transform.ts';

/** The calls of approval-requiring tools found in a code block, before it runs. */
export interface ApprovalScan {
  /** Each direct call (`send_email({...})`), with its source text. */
  calls: { toolName: string; source: string }[];
}

// Long calls are shown to the person who decides, not pasted whole into every event.
const MAX_SOURCE = 500;

/**
 * Finds the direct calls of the tools in `gated` in `code`. A call reached any other way (a tool
 * passed around as a value, a computed name) is not found here: the run refuses it when it happens,
 * so the approval of a block covers exactly the calls the person saw. Code that does not parse here
 * (a syntax error, or nesting too deep for the parser) has no calls found: any call of a gated tool it
 * makes when run is refused the same way.
 */
export function scanApprovalCalls(code: string, typescript: boolean, gated: ReadonlySet<string>): ApprovalScan {
  let source = code;
  if (typescript) {
    const stripped = stripTypes(code);
    if (!stripped.ok) return { calls: [] };
    source = stripped.script;
  }
  let program: Node;
  try {
    program = parse(source, MODEL_CODE_PARSE_OPTIONS);
  } catch {
    return { calls: [] };
  }
  const found: { start: number; toolName: string; source: string }[] = [];
  // An explicit stack, not recursion: deeply nested model code must not overflow the host's stack.
  const stack: unknown[] = [program];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null) continue;
    if (Array.isArray(node)) {
      // One push per element: spreading a long array literal's elements would overflow the argument limit.
      for (const element of node as unknown[]) stack.push(element);
      continue;
    }
    const typed = node as Node & Record<string, unknown>;
    if (typed.type === 'CallExpression') {
      const callee = typed.callee as Node & { name?: string };
      if (callee.type === 'Identifier' && callee.name !== undefined && gated.has(callee.name)) {
        // From the code as written: stripping types leaves spaces where they were.
        const text = code.slice(typed.start, typed.end);
        const shown = text.length > MAX_SOURCE ? `${text.slice(0, MAX_SOURCE)}…` : text;
        found.push({ start: typed.start, toolName: callee.name, source: shown });
      }
    }
    for (const [key, value] of Object.entries(typed)) {
      if (key !== 'loc' && typeof value === 'object' && value !== null) stack.push(value);
    }
  }
  // In the order they appear in the code, as the person reads it.
  found.sort((a, b) => a.start - b.start);
  return { calls: found.map(({ toolName, source: text }) => ({ toolName, source: text })) };
}
