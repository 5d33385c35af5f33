import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, platform, release, totalmem } from 'node:os';

/** The folder of the JSON results (git-ignored). */
const RESULTS_DIR = new URL('../results/', import.meta.url);

/** The machine a run was measured on. */
export interface MachineInfo {
  cores: number;
  cpu: string;
  memoryGiB: number;
  node: string;
  os: string;
}

/** Describes this machine. */
export function describeMachine(): MachineInfo {
  const processors = cpus();
  return {
    cores: processors.length,
    cpu: processors[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    os: `${platform()} ${release()}`,
  };
}

const PACKAGES = [
  '@tinyagent/core',
  '@tinyagent/react-agent',
  '@tinyagent/code-agent',
  '@tinyagent/web-tools',
  '@tinyagent/mcp',
  'openai',
  'ai',
  '@ai-sdk/openai-compatible',
  '@openai/agents',
  '@modelcontextprotocol/client',
  '@modelcontextprotocol/server-everything',
];

/** The installed versions of our packages and the peers, read from the bench's node_modules. */
export async function packageVersions(): Promise<Record<string, string>> {
  const entries = await Promise.all(
    PACKAGES.map(async (name) => {
      const manifest = await readFile(new URL(`../node_modules/${name}/package.json`, import.meta.url), 'utf8');
      return [name, (JSON.parse(manifest) as { version: string }).version] as const;
    }),
  );
  return Object.fromEntries(entries);
}

/** Writes `results` as `<mode>-<timestamp>.json` and `latest-<mode>.json`; resolves with the first path. */
export async function writeResults(mode: string, results: unknown): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const text = `${JSON.stringify(results, null, 2)}\n`;
  const file = new URL(`${mode}-${stamp}.json`, RESULTS_DIR);
  await writeFile(file, text);
  await writeFile(new URL(`latest-${mode}.json`, RESULTS_DIR), text);
  return file.pathname;
}
