// `pnpm check:docs`, after `pnpm build`: the documentation as a reader meets it. Every ```ts sample
// of the READMEs and docs/ is type-checked strictly (`strict`, `exactOptionalPropertyTypes`) against
// the built packages' declaration files, as a consumer's compiler sees them; every sample that
// defines all it uses then runs on Node against the built packages, with OPENAI_BASE_URL pointing at
// a fake model server. A sample with `declare` names something it does not define: it is only
// type-checked, and the text around it must say so. Every command of a ```sh block that names a
// `pnpm <script>` or a `pnpm nx run project:target` must name one that exists.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { findPostgres } from '@tinyagent/dbos/internal';
import { startFakeOpenAI } from '@tinyagent/testing';
import {
  checkSamples,
  documentName,
  extractSamples,
  extractShellCommands,
  listDocuments,
  unknownCommands,
} from './doc-samples.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const here = fileURLToPath(new URL('.', import.meta.url));
const SAMPLE_TIMEOUT_MS = 30_000;

// One reply every agent reads as a final answer: the JSON protocol finds the JSON object, the code
// agent the code block, and native tool calling takes the text as it is.
const FINAL_ANSWER = '{"answer": "42"}\n```js\nfinal_answer("42");\n```';

const documents = listDocuments(root).map((path) => ({
  name: documentName(root, path),
  text: readFileSync(path, 'utf8'),
}));
const samples = documents.flatMap((document) => extractSamples(document.text, document.name));
const problems: string[] = [];

// Strict, against dist/: no source condition, so `@tinyagent/*` resolve to their published types.
problems.push(
  ...checkSamples(samples, here, join(root, 'tsconfig.base.json'), {
    customConditions: [],
    strict: true,
    exactOptionalPropertyTypes: true,
  }),
);

const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
const folder = join(here, '.doc-samples');
rmSync(folder, { recursive: true, force: true });
mkdirSync(folder);
// The project graph, with every project's targets (inferred ones included), in one Nx call.
const graphFile = join(folder, 'graph.json');
await promisify(execFile)('pnpm', ['exec', 'nx', 'graph', `--file=${graphFile}`], {
  cwd: root,
  env: { ...process.env, NX_DAEMON: 'false' },
});
const graph = JSON.parse(readFileSync(graphFile, 'utf8')) as {
  graph: { nodes: Record<string, { data: { targets?: object } }> };
};
const targets = new Map(
  Object.entries(graph.graph.nodes).map(([project, node]) => [project, new Set(Object.keys(node.data.targets ?? {}))]),
);
for (const document of documents) {
  const commands = extractShellCommands(document.text);
  problems.push(...unknownCommands(commands, packageJson.scripts, targets).map((text) => `${document.name}: ${text}`));
}

const runnable = samples.filter((sample) => !/^[ \t]*declare\s/m.test(sample.code));
for (const sample of samples) {
  const text = documents.find((document) => sample.name.startsWith(`${document.name}#`))?.text ?? '';
  for (const [, name = ''] of sample.code.matchAll(/^[ \t]*declare[ \t]+(?:const|let|function|class)[ \t]+(\w+)/gm)) {
    if (!text.includes(`declares \`${name}\``)) {
      problems.push(`${sample.name} declares '${name}' without saying so: write "declares \`${name}\`" in the text`);
    }
  }
}
// Samples of durable runs need PostgreSQL: DATABASE_URL, or the one the project's script starts.
const databaseUrl = runnable.some((sample) => sample.code.includes("from '@tinyagent/dbos'"))
  ? await findPostgres('the durable-run samples')
  : undefined;
// A sample that imports vitest is a test file: vitest runs it, with no config of ours.
const vitest = join(root, 'node_modules/vitest/vitest.mjs');
try {
  await using server = await startFakeOpenAI({ handler: () => FINAL_ANSWER });
  for (const [index, sample] of runnable.entries()) {
    const isTest = sample.code.includes("from 'vitest'");
    const file = join(folder, isTest ? `sample-${index}.test.ts` : `sample-${index}.ts`);
    writeFileSync(file, sample.code);
    const started = Date.now();
    try {
      await promisify(execFile)(process.execPath, isTest ? [vitest, 'run', '--root', folder, file] : [file], {
        cwd: folder,
        timeout: SAMPLE_TIMEOUT_MS,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          OPENAI_BASE_URL: server.url,
          ...(databaseUrl === undefined ? {} : { DATABASE_URL: databaseUrl }),
        },
      });
      console.log(`ran ${sample.name} (${Date.now() - started} ms)`);
    } catch (error) {
      const { stderr = '', message } = error as { stderr?: string; message: string };
      problems.push(`${sample.name} does not run: ${(stderr.trim() || message).split('\n').slice(0, 6).join('\n  ')}`);
    }
  }
} finally {
  rmSync(folder, { recursive: true, force: true });
}

const typeOnly = samples.length - runnable.length;
console.log(
  `${samples.length} samples type-checked strictly against dist/, ${runnable.length} run, ${typeOnly} declare what they use`,
);
if (problems.length > 0) {
  console.error(`\n${problems.length} documentation problems:\n${problems.join('\n')}`);
  process.exitCode = 1;
}
