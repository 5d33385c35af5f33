// `pnpm bench:extraction`: runs main-content extractors over the development set of issue 21
// (../shared/fixtures/extraction-dev), writes each one's plain text to
// tools/bench/results/extraction/<name>.outputs.json, scores it with the set's own score.mjs and
// prints trafilatura's columns with pages/s (pages one at a time, as an agent reads them).
//
//   --extractors=web-browse,defuddle,article-extractor   which to run (default: web-browse)
//   --baseline=<dir>   also runs the web_browse of another checkout (<dir>/packages/web-tools), in the same run
//   --rounds=<n>       timed passes over the set per extractor (default 1); pages/s is their median
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as workspaceWebTools from '@tinyagent/web-tools/internal';
import { median } from '../stats.ts';
import { renderTable } from '../table.ts';
import { readDevSet, SCORER_PATH } from './dev-set.ts';
import type { DevPage } from './dev-set.ts';
import { articleExtractor, defuddleExtractor, webBrowseExtractor } from './extractors.ts';
import type { Extractor, WebToolsInternal } from './extractors.ts';

const RESULTS_DIR = new URL('../../results/extraction/', import.meta.url);
const KNOWN = ['web-browse', 'defuddle', 'article-extractor'];

interface Run {
  extractor: Extractor;
  outputs: Record<string, string>;
  failures: string[];
  pagesPerSecond: number[];
}

interface ScorerRates {
  precision: number;
  recall: number;
  accuracy: number;
  f1: number;
}

async function main(): Promise<void> {
  const options = parseArguments(process.argv.slice(2));
  const pages = readDevSet();
  const extractors = await chooseExtractors(options.extractors, options.baseline);
  const runs: Run[] = extractors.map((extractor) => ({ extractor, outputs: {}, failures: [], pagesPerSecond: [] }));
  // Warm-up, untimed: starts the conversion threads and compiles the hot paths of every extractor.
  for (const run of runs) for (const page of pages.slice(0, 5)) await extractQuietly(run.extractor, page);
  for (let round = 0; round < options.rounds; round += 1) {
    // Each round starts with another extractor, so none always runs on the coolest machine.
    for (const run of [...runs.slice(round % runs.length), ...runs.slice(0, round % runs.length)]) {
      const started = performance.now();
      const texts: (string | Error)[] = [];
      for (const page of pages) texts.push(await extractQuietly(run.extractor, page));
      run.pagesPerSecond.push((pages.length / (performance.now() - started)) * 1000);
      if (round === 0) record(run, pages, texts);
    }
  }
  mkdirSync(RESULTS_DIR, { recursive: true });
  const rows = runs.map((run) => {
    const outputsPath = new URL(`${run.extractor.name.replaceAll(/[^\w-]/g, '_')}.outputs.json`, RESULTS_DIR);
    writeFileSync(outputsPath, `${JSON.stringify(run.outputs, null, 1)}\n`);
    const rates = score(outputsPath.pathname);
    console.error(`${run.extractor.name}: outputs in ${outputsPath.pathname}`);
    for (const failure of run.failures.slice(0, 5)) console.error(`  failed: ${failure}`);
    return [
      run.extractor.name,
      rates.precision.toFixed(4),
      rates.recall.toFixed(4),
      rates.accuracy.toFixed(4),
      rates.f1.toFixed(4),
      median(run.pagesPerSecond).toFixed(1),
      run.failures.length,
    ];
  });
  console.log(
    renderTable({
      title: `Main-content extraction over the ${pages.length} development pages (score.mjs)`,
      columns: ['extractor', 'precision', 'recall', 'accuracy', 'F-score', 'pages/s', 'failed pages'],
      rows,
    }),
  );
}

function record(run: Run, pages: DevPage[], texts: (string | Error)[]): void {
  pages.forEach((page, index) => {
    const text = texts[index];
    // A page that fails scores as an empty text: its `with` snippets are all missed.
    run.outputs[page.file] = typeof text === 'string' ? text : '';
    if (text instanceof Error) run.failures.push(`${page.file}: ${text.message.slice(0, 200)}`);
  });
}

async function extractQuietly(extractor: Extractor, page: DevPage): Promise<string | Error> {
  try {
    return await extractor.extract(page);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

// The set's scorer, run as it is documented (`node score.mjs outputs.json --json`).
function score(outputsPath: string): ScorerRates {
  const report = execFileSync(process.execPath, [SCORER_PATH, outputsPath, '--json'], { encoding: 'utf8' });
  return (JSON.parse(report) as { rates: ScorerRates }).rates;
}

async function chooseExtractors(names: string[], baseline: string | undefined): Promise<Extractor[]> {
  const extractors: Extractor[] = [];
  if (baseline !== undefined) {
    const entry = pathToFileURL(resolve(baseline, 'packages/web-tools/src/internal.ts')).href;
    extractors.push(webBrowseExtractor('web_browse (baseline)', (await import(entry)) as WebToolsInternal));
  }
  for (const name of names) {
    if (name === 'web-browse') extractors.push(webBrowseExtractor('web_browse', workspaceWebTools));
    if (name === 'defuddle') extractors.push(defuddleExtractor(workspaceWebTools));
    if (name === 'article-extractor') extractors.push(articleExtractor(workspaceWebTools));
  }
  return extractors;
}

function parseArguments(argv: string[]): { extractors: string[]; baseline: string | undefined; rounds: number } {
  let extractors = ['web-browse'];
  let baseline: string | undefined;
  let rounds = 1;
  for (const argument of argv) {
    const [name, value = ''] = argument.split('=', 2);
    if (name === '--extractors') extractors = value.split(',');
    else if (name === '--baseline' && value !== '') baseline = value;
    else if (name === '--rounds' && /^[1-9]\d{0,2}$/.test(value)) rounds = Number(value);
    else
      throw new Error(`Unknown or malformed argument ${JSON.stringify(argument)}: see the top of score-extraction.ts`);
  }
  const unknown = extractors.filter((name) => !KNOWN.includes(name));
  if (unknown.length > 0) throw new Error(`Unknown extractor ${unknown.join(', ')}: known are ${KNOWN.join(', ')}`);
  return { extractors, baseline, rounds };
}

await main();
