// Turns model code into a script QuickJS can run as one async function while keeping the behaviour of a
// REPL: top-level declarations become globals (so a variable of step 1 is there in step 2, and declaring
// it again is no error), `await` works at the top level, and the last expression statement is the
// value. Every edit stays on the line it replaces, so error line numbers match the model's code.

import { parse } from 'acorn';
import type { Node, Options, Pattern, Program, Statement, VariableDeclaration } from 'acorn';
import * as nodeModule from 'node:module';
import type { GuestError } from './worker-protocol.ts';

/** How model code is parsed: a script whose top level may `await` and `return`, as the sandbox runs it. */
export const MODEL_CODE_PARSE_OPTIONS = {
  ecmaVersion: 'latest',
  sourceType: 'script',
  allowAwaitOutsideFunction: true,
  allowReturnOutsideFunction: true,
} as const satisfies Options;

/** The script to evaluate, or the error that keeps the code from running. */
export type PreparedCode = { ok: true; script: string } | { ok: false; error: GuestError };

interface Edit {
  start: number;
  end: number;
  text: string;
}

/** Strips TypeScript types when asked, parses the code and wraps it; never throws. */
export function prepareCode(source: string, options: { typescript: boolean; importHint: string }): PreparedCode {
  let code = source;
  if (options.typescript) {
    const stripped = stripTypes(source);
    if (!stripped.ok) return stripped;
    code = stripped.script;
  }
  let program: Program;
  try {
    program = parse(code, MODEL_CODE_PARSE_OPTIONS);
  } catch (error) {
    return { ok: false, error: importError(code, options.importHint) ?? syntaxError(error) };
  }
  return { ok: true, script: wrap(code, program) };
}

/** Strips TypeScript types, keeping every line and column where it was; never throws. */
export function stripTypes(source: string): PreparedCode {
  // Node 22.13+ and 23.2+ have it; read it off the namespace so older Nodes fail here, not at load time.
  const strip = (nodeModule as { stripTypeScriptTypes?: (code: string, options: { mode: 'strip' }) => string })
    .stripTypeScriptTypes;
  if (strip === undefined) {
    return {
      ok: false,
      error: {
        name: 'Error',
        message: 'TypeScript code needs Node.js 22.13 or later; write JavaScript.',
        line: undefined,
      },
    };
  }
  try {
    // 'strip' replaces types with spaces, so lines and columns stay where they were.
    return { ok: true, script: strip(source, { mode: 'strip' }) };
  } catch (error) {
    const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    return { ok: false, error: { name: 'SyntaxError', message, line: lineOfSwcError(error) } };
  }
}

function lineOfSwcError(error: unknown): number | undefined {
  const match = /:(\d+):\d+\]/.exec(error instanceof Error ? error.message : '');
  return match === null ? undefined : Number(match[1]);
}

function syntaxError(error: unknown): GuestError {
  const message = error instanceof Error ? error.message.replace(/ \(\d+:\d+\)$/, '') : String(error);
  const line = (error as { loc?: { line?: unknown } }).loc?.line;
  return { name: 'SyntaxError', message, line: typeof line === 'number' ? line : undefined };
}

// `import x from 'y'` is a syntax error in a script; tell the model what it can use instead.
function importError(code: string, hint: string): GuestError | undefined {
  let program: Program;
  try {
    program = parse(code, { ecmaVersion: 'latest', sourceType: 'module', locations: true });
  } catch {
    return undefined;
  }
  const statement = program.body.find((node) => node.type === 'ImportDeclaration' || node.type.startsWith('Export'));
  if (statement === undefined) return undefined;
  const keyword = statement.type === 'ImportDeclaration' ? 'import' : 'export';
  return {
    name: 'ImportError',
    message: `${keyword} statements are not available: the sandbox has no modules. ${hint}`,
    line: statement.loc?.start.line,
  };
}

function wrap(code: string, program: Program): string {
  const globals = new Set<string>();
  const functions: string[] = [];
  const edits: Edit[] = [];
  for (const statement of program.body) {
    if (statement.type === 'VariableDeclaration') {
      edits.push(...declarationEdits(statement, globals));
    } else if (statement.type === 'FunctionDeclaration') {
      functions.push(statement.id.name);
    } else if (statement.type === 'ClassDeclaration') {
      globals.add(statement.id.name);
      edits.push({ start: statement.start, end: statement.start, text: `${statement.id.name} = ` });
      edits.push({ start: statement.end, end: statement.end, text: ';' });
    }
  }
  const last = program.body.at(-1);
  if (last?.type === 'ExpressionStatement') edits.push(...returnEdits(last));
  let body = code;
  for (const edit of edits.sort((a, b) => b.start - a.start || b.end - a.end)) {
    body = body.slice(0, edit.start) + edit.text + body.slice(edit.end);
  }
  const declarations = globals.size === 0 ? '' : `var ${[...globals].join(', ')}; `;
  // Function declarations stay in place (they are hoisted) and are copied onto the global object first.
  const exports = functions.map((name) => `this.${name} = ${name}; `).join('');
  // The newline before the closing keeps a trailing line comment from swallowing it.
  return `${declarations}(async () => { ${exports}${body}\n})()`;
}

// `const { a, b } = f(), c = 1;` becomes `void (({ a, b } = f()), c = 1);` with a, b and c globals.
function declarationEdits(declaration: VariableDeclaration, globals: Set<string>): Edit[] {
  const edits: Edit[] = [
    { start: declaration.start, end: declaration.start + declaration.kind.length, text: 'void (' },
  ];
  for (const declarator of declaration.declarations) {
    collectNames(declarator.id, globals);
    if (declarator.id.type !== 'Identifier') {
      edits.push({ start: declarator.start, end: declarator.start, text: '(' });
      edits.push({ start: declarator.end, end: declarator.end, text: ')' });
    }
  }
  const end = declaration.end;
  edits.push({ start: end, end, text: ')' });
  return edits.map((edit) => (edit.start === end && endsWithSemicolon(declaration) ? shiftBefore(edit) : edit));
}

function endsWithSemicolon(declaration: VariableDeclaration): boolean {
  const lastDeclarator = declaration.declarations.at(-1);
  return lastDeclarator !== undefined && lastDeclarator.end < declaration.end;
}

function shiftBefore(edit: Edit): Edit {
  return { start: edit.start - 1, end: edit.end - 1, text: edit.text };
}

function collectNames(pattern: Pattern, names: Set<string>): void {
  switch (pattern.type) {
    case 'Identifier':
      names.add(pattern.name);
      return;
    case 'ObjectPattern':
      for (const property of pattern.properties) {
        collectNames(property.type === 'RestElement' ? property.argument : property.value, names);
      }
      return;
    case 'ArrayPattern':
      for (const element of pattern.elements) if (element !== null) collectNames(element, names);
      return;
    case 'RestElement':
      collectNames(pattern.argument, names);
      return;
    case 'AssignmentPattern':
      collectNames(pattern.left, names);
      return;
    case 'MemberExpression':
      return;
  }
}

function returnEdits(statement: Statement & { expression: Node }): Edit[] {
  const { expression } = statement;
  return [
    { start: expression.start, end: expression.start, text: 'return (' },
    { start: expression.end, end: expression.end, text: ')' },
  ];
}
