// Every ```ts block of the READMEs and docs/ must type-check against the packages as they are, so
// that documentation cannot drift from the API. A block whose info string says `continued` joins
// the block before it (for examples told in several steps); every other block is a module of its own.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

/** One code sample, as a module to type-check. */
export interface DocSample {
  /** `file.md#n`, for messages. */
  name: string;
  code: string;
}

/** The markdown files whose samples are checked: the READMEs of the repo and packages, and docs/. */
export function listDocuments(root: string): string[] {
  const inFolder = (folder: string, pick: (name: string) => boolean): string[] => {
    try {
      return readdirSync(join(root, folder))
        .filter(pick)
        .map((name) => join(root, folder, name));
    } catch {
      return [];
    }
  };
  return [
    join(root, 'README.md'),
    ...inFolder('packages', () => true).map((folder) => join(folder, 'README.md')),
    ...inFolder('docs', (name) => name.endsWith('.md')),
  ].filter((path) => {
    try {
      readFileSync(path);
      return true;
    } catch {
      return false;
    }
  });
}

/** The ```ts samples of one markdown file, `continued` blocks joined to the one before. */
export function extractSamples(markdown: string, documentName: string): DocSample[] {
  const samples: DocSample[] = [];
  const fence = /^```(ts|typescript)([^\n]*)\n([\s\S]*?)^```\s*$/gm;
  for (const match of markdown.matchAll(fence)) {
    const info = match[2] ?? '';
    const code = match[3] ?? '';
    const previous = samples.at(-1);
    if (/\bcontinued\b/.test(info) && previous !== undefined) previous.code += `\n${code}`;
    else samples.push({ name: `${documentName}#${samples.length + 1}`, code });
  }
  return samples;
}

/**
 * Type-checks the samples as modules inside `folder` (so that its dependencies resolve), with the
 * options of `baseConfig` and then `overrides`; returns the errors.
 */
export function checkSamples(
  samples: readonly DocSample[],
  folder: string,
  baseConfig: string,
  overrides: ts.CompilerOptions = {},
): string[] {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    baseConfig,
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined },
  );
  if (parsed === undefined) throw new Error(`cannot read ${baseConfig}`);
  const options: ts.CompilerOptions = {
    ...parsed.options,
    noEmit: true,
    composite: false,
    declaration: false,
    declarationMap: false,
    // Samples declare things to show them; an unused name in a sample is not an error.
    noUnusedLocals: false,
    lib: ['lib.es2024.full.d.ts'],
    ...overrides,
  };
  const files = new Map(samples.map((sample, index) => [join(folder, `__sample_${index}.ts`), sample]));
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.readFile = (path) => (files.has(path) ? `${files.get(path)?.code ?? ''}\nexport {};\n` : readFile(path));
  host.fileExists = (path) => files.has(path) || fileExists(path);
  const program = ts.createProgram([...files.keys()], options, host);
  return ts.getPreEmitDiagnostics(program).flatMap((diagnostic) => {
    const file = diagnostic.file;
    const sample = file === undefined ? undefined : files.get(file.fileName);
    if (file === undefined || sample === undefined) return [];
    const { line } = file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
    const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    return [`${sample.name} line ${line + 1}: ${text}`];
  });
}

/** A path relative to the repository root, for sample names. */
export function documentName(root: string, path: string): string {
  return relative(root, path);
}

/** The commands of the ```sh blocks of one markdown file, one per line or `&&` step, comments dropped. */
export function extractShellCommands(markdown: string): string[] {
  const fence = /^```(?:sh|bash|shell)[^\n]*\n([\s\S]*?)^```\s*$/gm;
  return [...markdown.matchAll(fence)].flatMap((match) =>
    (match[1] ?? '')
      .split('\n')
      .map((line) => (line.includes('#') ? line.slice(0, line.indexOf('#')) : line).trim())
      .flatMap((line) => line.split(/&&|;|\|/))
      .map((command) => command.trim())
      .filter((command) => command !== ''),
  );
}

/**
 * The commands that name what does not exist: `pnpm <name>` where `<name>` is neither a script of the
 * root package.json nor a pnpm command, and `pnpm nx run project:target` (or `pnpm nx <target>
 * <project>`) for a target the project lacks.
 */
export function unknownCommands(
  commands: readonly string[],
  scripts: Readonly<Record<string, string>>,
  targets: ReadonlyMap<string, ReadonlySet<string>>,
): string[] {
  const problems: string[] = [];
  for (const command of commands) {
    const words = command.split(/\s+/);
    if (words[0] !== 'pnpm') continue;
    const [name = '', ...rest] = words.slice(1).filter((word) => !word.startsWith('-'));
    if (name === 'nx') {
      const [verb = '', subject = ''] = rest;
      if (verb === 'run') {
        const [project = '', target = ''] = subject.split(':');
        if (targets.get(project)?.has(target) !== true) problems.push(`no Nx target '${subject}': ${command}`);
      } else if (!NX_COMMANDS.has(verb) && targets.get(subject)?.has(verb) !== true) {
        problems.push(`no Nx target '${subject}:${verb}': ${command}`);
      }
    } else if (!Object.hasOwn(scripts, name) && !PNPM_COMMANDS.has(name)) {
      problems.push(`no script '${name}' in package.json: ${command}`);
    }
  }
  return problems;
}

// The pnpm and Nx commands the docs use that are not scripts or targets.
const PNPM_COMMANDS = new Set(['install', 'add', 'exec', 'pack', 'run', 'dlx', 'remove', 'update', 'why', 'list']);
const NX_COMMANDS = new Set(['run', 'run-many', 'affected', 'graph', 'show', 'sync', 'sync:check', 'report', 'reset']);
