// The development set of issue 21: trafilatura's evaluation pages with their `with`/`without`
// snippets. The pages are third-party and stay out of this repository: they are read at run time
// from `../shared/fixtures/extraction-dev/`, beside the repository root.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One page of the development set, its bytes as stored. */
export interface DevPage {
  /** The file name, which is the key of gold.json and of outputs.json. */
  file: string;
  /** The page's original address, from gold.json: its base URL. */
  url: string;
  bytes: Uint8Array;
}

/** Where the development set is expected: `../shared/fixtures/extraction-dev` from the repository root. */
export const DEV_SET_DIR = fileURLToPath(new URL('../../../../../shared/fixtures/extraction-dev/', import.meta.url));

/** The set's own scorer, run as a child process so that the scoring is exactly its own. */
export const SCORER_PATH = `${DEV_SET_DIR}score.mjs`;

/** Reads every page of gold.json; throws an Error that says where the set should be when it is absent. */
export function readDevSet(directory: string = DEV_SET_DIR): DevPage[] {
  const goldPath = `${directory}gold.json`;
  if (!existsSync(goldPath) || !existsSync(`${directory}pages`)) {
    throw new Error(
      `The extraction development set is missing: expected ${goldPath} and ${directory}pages/. ` +
        'It lives beside the repository, in ../shared/fixtures/extraction-dev/ (never copied into it); ' +
        'check out the shared fixtures there.',
    );
  }
  const gold = JSON.parse(readFileSync(goldPath, 'utf8')) as Record<string, { url: string }>;
  const stored = new Set(readdirSync(`${directory}pages`));
  return Object.entries(gold).map(([file, { url }]) => {
    if (!stored.has(file)) throw new Error(`gold.json names ${file}, which is not in ${directory}pages/`);
    return { file, url, bytes: readFileSync(`${directory}pages/${file}`) };
  });
}
