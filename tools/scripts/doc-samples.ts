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

/** Type-checks the samples as modules inside `folder` (so that its dependencies resolve); returns the errors. */
export function checkSamples(samples: readonly DocSample[], folder: string, baseConfig: string): string[] {
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
