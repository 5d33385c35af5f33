import { mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AgentModelOptions } from '@tinyagent/core';
import { connectMcp } from '@tinyagent/mcp';
import type { McpStdioServerConfig } from '@tinyagent/mcp';
import { ReactAgent } from '@tinyagent/react-agent';
import type { Demo } from '../demo.ts';
import { nativeProtocolBrain } from '../scripted-brains.ts';
import type { DemoSession } from '../session.ts';

// The server's tools that only read: the demo lists the folder and reads a file, nothing more.
const READ_ONLY_TOOLS = new Set([
  'read_text_file',
  'read_file',
  'read_media_file',
  'read_multiple_files',
  'list_directory',
  'list_directory_with_sizes',
  'directory_tree',
  'search_files',
  'get_file_info',
  'list_allowed_directories',
]);

const FILES: Readonly<Record<string, string>> = {
  'notes.md': '# Harbour notes\n\nThe first ferry to Skerry Point leaves at 07:40 on weekdays, 09:15 on Sundays.\n',
  'packing-list.txt': 'rain jacket\nthermos\nbinoculars\n',
};

const QUESTION =
  'List the files in the folder below, read the notes file there, and tell me when the first ferry to Skerry Point leaves.';

const require = createRequire(import.meta.url);

/** A temporary folder holding FILES, removed when disposed. */
async function createSampleFolder(): Promise<{ path: string } & AsyncDisposable> {
  // The real path: the filesystem server resolves symlinks (macOS's /var is /private/var) before it
  // compares a requested path with the folders it may read.
  const path = await realpath(await mkdtemp(join(tmpdir(), 'tinyagent-mcp-demo-')));
  await Promise.all(Object.entries(FILES).map(([name, text]) => writeFile(join(path, name), text)));
  return { path, [Symbol.asyncDispose]: () => rm(path, { recursive: true, force: true }) };
}

/**
 * The reference filesystem server, allowed `folder` only: the installed package's entry run with
 * this node, so nothing is fetched (as `npx` would) and its version is the one in the lockfile.
 */
async function filesystemServer(folder: string): Promise<McpStdioServerConfig> {
  const manifestPath = require.resolve('@modelcontextprotocol/server-filesystem/package.json');
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { bin: Record<string, string> };
  const entry = Object.values(manifest.bin)[0];
  if (entry === undefined) throw new Error('@modelcontextprotocol/server-filesystem has no bin entry');
  return { name: 'files', command: process.execPath, args: [join(dirname(manifestPath), entry), folder] };
}

// The text of a filesystem tool's result: its structured `content` when it has one, else the text.
function contentOf(result: string): string {
  try {
    const parsed: unknown = JSON.parse(result);
    if (typeof parsed === 'object' && parsed !== null && 'content' in parsed && typeof parsed.content === 'string') {
      return parsed.content;
    }
  } catch {
    // Plain text.
  }
  return result;
}

// Offline, the scripted brain lists the folder named in the question, reads the file the listing
// shows as notes, and quotes what the server returned: it reads, it does not understand.
const brain = nativeProtocolBrain(QUESTION, [
  (_, question) => ({ calls: [{ tool: 'list_directory', arguments: { path: folderIn(question) } }] }),
  ([listing = ''], question) => {
    const name = notesFileIn(listing);
    if (name === undefined) return { answer: `(scripted model) The folder shows no notes file: ${listing}` };
    return { calls: [{ tool: 'read_text_file', arguments: { path: join(folderIn(question), name) } }] };
  },
  ([listing = '', file = '']) => {
    if (file.startsWith('Error')) return { answer: `(scripted model) The notes could not be read: ${file}` };
    const name = notesFileIn(listing) ?? 'the notes file';
    return { answer: `(scripted model: a quotation, not an answer) ${name} says: "${quote(contentOf(file))}"` };
  },
]);

// The file's text without its markdown headings, on one line.
function quote(markdown: string): string {
  return markdown
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .join(' ')
    .trim();
}

function folderIn(question: string): string {
  return /^Folder: (.+)$/m.exec(question)?.[1] ?? '';
}

// list_directory shows a file as `[FILE] name`, one a line.
function notesFileIn(listing: string): string | undefined {
  return contentOf(listing)
    .split('\n')
    .map((line) => (line.startsWith('[FILE] ') ? line.slice('[FILE] '.length) : ''))
    .find((name) => name.includes('notes'));
}

async function askAboutFiles(session: DemoSession, model: AgentModelOptions, folder: string): Promise<void> {
  // `await using`: however the run ends, the connection closes and the server's process ends.
  await using mcp = await connectMcp([await filesystemServer(folder)], { signal: session.signal });
  session.say(`connected: MCP server 'files' (server-filesystem), ${mcp.tools.length} tools:`);
  session.say(`  ${mcp.tools.map((tool) => tool.name).join(', ')}`);
  // Only what the task needs: the server could also write, move and delete within the folder.
  const reading = mcp.tools.filter((tool) => READ_ONLY_TOOLS.has(tool.name));
  session.say(`  the agent gets the read-only ones: ${reading.map((tool) => tool.name).join(', ')}`);
  const agent = new ReactAgent({ ...model, tools: reading, toolCalling: 'native', temperature: 0 });
  await session.ask(agent, `${QUESTION}\nFolder: ${folder}`);
}

/** A ReactAgent with the tools of an MCP server: the reference filesystem server, on a folder the demo makes. */
export const mcpDemo: Demo = {
  name: 'mcp',
  summary: "ReactAgent with an MCP server's tools (server-filesystem, on a temporary folder)",
  interactive: false,
  brain,
  async run(session, model) {
    await using folder = await createSampleFolder();
    session.say(`folder: ${folder.path} (${Object.keys(FILES).join(', ')}), removed at the end`);
    await askAboutFiles(session, model, folder.path);
    session.say("closed: the MCP connection, and with it the server's process");
  },
};
