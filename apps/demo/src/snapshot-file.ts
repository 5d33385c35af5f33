import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { RunSnapshot } from '@tinyagent/core';
import { DemoInputError } from './report-error.ts';

/** Where a paused run is saved when no path is given: `.tinyagent/<demo>-<runId>.json` under `cwd`. */
export function defaultSnapshotPath(cwd: string, demo: string, runId: string): string {
  return join(cwd, '.tinyagent', `${demo}-${runId}.json`);
}

/** Writes `snapshot` to `path` as JSON (a snapshot is plain data), creating the folder. */
export async function saveSnapshot(path: string, snapshot: RunSnapshot): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(snapshot, null, 2)}\n`);
}

/**
 * Reads a saved run's JSON text; throws DemoInputError for a file that cannot be read. Whether the
 * text is a snapshot the agent can resume, `agent.resume` checks.
 */
export async function readSnapshotFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as { code?: unknown }).code === 'ENOENT' ? 'there is no such file' : String(error);
    throw new DemoInputError(`Cannot read the saved run ${path}: ${reason}.`, {
      hint: 'pass the file the approve demo printed when its run paused (pnpm demo approve --resume <file>).',
      cause: error,
    });
  }
}

/** Deletes a saved run that must not be resumed again; a file already gone is fine. */
export async function removeSnapshot(path: string): Promise<void> {
  await rm(path, { force: true });
}
