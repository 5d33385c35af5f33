import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

/** A temporary folder of files a test writes; disposing it (or `remove()`) deletes the folder. */
export interface TempFiles extends Disposable {
  /** The folder's path. */
  readonly folder: string;
  /** Writes `text` to the file `name` (a plain name, no path) in the folder and returns its path. */
  write(name: string, text: string): string;
  /** Deletes the folder and everything in it, as disposing does. */
  remove(): void;
}

/**
 * Creates an empty folder in the system's temporary directory, for files a test hands to TinyAgent
 * (prompt files, for instance). Use with `using`, or call `remove()` (for example in `afterEach`).
 */
export function tempFiles(prefix = 'tinyagent-test-'): TempFiles {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  const remove = (): void => rmSync(folder, { recursive: true, force: true });
  return {
    folder,
    write: (name, text) => {
      // A name with a path in it (`../x`) would write outside the folder that is removed afterwards.
      if (basename(name) !== name || name === '' || name === '.' || name === '..') {
        throw new Error(
          `tempFiles: ${JSON.stringify(name)} is not a plain file name; write files into the folder only.`,
        );
      }
      const path = join(folder, name);
      writeFileSync(path, text);
      return path;
    },
    remove,
    [Symbol.dispose]: remove,
  };
}
