import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { PromptFileError } from './errors.ts';
import { getLogger } from './logger.ts';

/** File extensions accepted for prompt files. */
export const PROMPT_FILE_EXTENSIONS: readonly string[] = ['.txt', '.md', '.prompt', '.xml'];

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a prompt template from a UTF-8 `.txt`, `.md`, `.prompt` or `.xml` file. Synchronous on
 * purpose: agents render their system prompt once, in their constructor. Throws PromptFileError for
 * a missing file, a directory, another extension or bytes that are not UTF-8.
 */
export function loadPromptFromFile(path: string): string {
  const extension = extname(path).toLowerCase();
  if (!PROMPT_FILE_EXTENSIONS.includes(extension)) {
    throw new PromptFileError(
      `Prompt file ${path} has ${extension === '' ? 'no extension' : `the extension '${extension}'`}; ` +
        `use one of ${PROMPT_FILE_EXTENSIONS.join(', ')}.`,
      { path },
    );
  }
  let bytes: Buffer;
  try {
    if (statSync(path).isDirectory()) {
      throw new PromptFileError(`Prompt file ${path} is a directory; give the path of a file inside it.`, { path });
    }
    bytes = readFileSync(path);
  } catch (error) {
    if (PromptFileError.isInstance(error)) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(error)})`;
    throw new PromptFileError(`Prompt file ${path} ${reason}.`, { path, cause: error });
  }
  try {
    return utf8.decode(bytes).replace(/^\uFEFF/, '');
  } catch (error) {
    throw new PromptFileError(`Prompt file ${path} is not valid UTF-8 text; save it as UTF-8.`, { path, cause: error });
  }
}

/**
 * Returns the prompt in `path`, or `defaultPrompt` when there is no path, the file is empty or it
 * cannot be loaded; a fallback logs one warning saying why. Never throws.
 */
export function getPromptFallback(defaultPrompt: string, path?: string): string {
  if (path === undefined || path === '') return defaultPrompt;
  try {
    const prompt = loadPromptFromFile(path);
    if (prompt.trim() === '') {
      getLogger().warn(`Prompt file ${path} is empty; using the default prompt.`);
      return defaultPrompt;
    }
    return prompt;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    getLogger().warn(`${reason} Using the default prompt.`);
    return defaultPrompt;
  }
}

/**
 * Fills `{name}` placeholders whose name is a key of `values`; every other brace, such as the
 * braces of JSON examples in a prompt, is left exactly as written.
 */
export function renderPrompt(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (placeholder, key: string) => {
    const value = Object.hasOwn(values, key) ? values[key] : undefined;
    return value ?? placeholder;
  });
}
