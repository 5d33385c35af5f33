import { escapeControls } from '@tinyagent/core/internal';
import { foreignOption, parseCommandLine } from './command-line.ts';
import type { Demo } from './demo.ts';
import { approveDemo } from './demos/approve.ts';
import { codeDemo } from './demos/code.ts';
import { durableDemo } from './demos/durable.ts';
import { filePromptDemo } from './demos/file-prompt.ts';
import { mcpDemo } from './demos/mcp.ts';
import { reactDemo } from './demos/react.ts';
import { readerDemo } from './demos/reader.ts';
import { rpgDemo } from './demos/rpg.ts';
import { simpleDemo } from './demos/simple.ts';
import type { Output } from './progress.ts';
import { chooseProvider } from './provider.ts';
import { describeFailure } from './report-error.ts';
import { createSession } from './session.ts';

/** Every demo, in tour order. */
export const DEMOS: readonly Demo[] = [
  simpleDemo,
  reactDemo,
  codeDemo,
  filePromptDemo,
  readerDemo,
  mcpDemo,
  rpgDemo,
  approveDemo,
  durableDemo,
];

/** What the CLI reads and writes; the real process in main.ts, captured streams in tests. */
export interface CliIo {
  /** `isTTY` says whether a person can answer questions there. */
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: Output;
  stderr: Output;
  env: Readonly<Record<string, string | undefined>>;
  /** Aborts the running demo (Ctrl-C). */
  signal?: AbortSignal;
  /** Where relative paths start; the process's working directory by default. */
  cwd?: string;
}

const USAGE = `usage: pnpm nx run demo:start -- [demo] [--verbose] [--json] [--trace] [--debug]
       pnpm --silent demo [demo] [--verbose] [--json] [--trace] [--debug]   (no Nx lines on stdout: pipe --json to jq)

demos:
${DEMOS.map((demo) => `  ${demo.name.padEnd(12)} ${demo.summary}`).join('\n')}
  (none)       a tour of every demo but rpg and approve

  --verbose    the agents' full trace
  --json       print each RunResult as JSON
  --trace      print each run's OpenTelemetry span tree (@tinyagent/otel)
  --debug      print stack traces of errors
${demoOptionLines()}

models: OPENAI_API_KEY → OpenAI; OPENAI_BASE_URL (+ optional key) → any OpenAI-compatible server;
TINYAGENT_MODEL names the model; with neither set, the demos run offline on a scripted model.`;

/** Runs the CLI and returns the process exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const commandLine = parseCommandLine(argv, DEMOS);
  if ('problem' in commandLine) return usageError(io, commandLine.problem);
  const { flags, positional, demoOptions } = commandLine;
  if (commandLine.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [name, ...args] = positional;
  const chosen =
    name === undefined ? DEMOS.filter((demo) => !demo.interactive) : DEMOS.filter((demo) => demo.name === name);
  if (chosen.length === 0) return usageError(io, `unknown demo '${name ?? ''}'`);
  const foreign = chosen.map((demo) => foreignOption(demoOptions, demo)).find((option) => option !== undefined);
  if (foreign !== undefined) return usageError(io, `option '${foreign}' belongs to another demo`);

  const provider = chooseProvider(io.env);
  const session = createSession({
    provider,
    flags,
    stdout: io.stdout,
    stderr: io.stderr,
    stdin: io.stdin,
    signal: io.signal ?? new AbortController().signal,
    cwd: io.cwd ?? process.cwd(),
    env: io.env,
  });
  session.say(provider.offline ? `TinyAgent demo — ${provider.label}` : `TinyAgent demo — model: ${provider.label}`);
  for (const demo of chosen) {
    session.say(`\n━━ ${demo.name}: ${demo.summary}`);
    const connection = await provider.connect(demo.brain);
    try {
      await demo.run(session, connection.options, args, demoOptions);
    } catch (error) {
      const report = describeFailure(error);
      const hint = report.hint === undefined ? '' : `hint: ${report.hint}\n`;
      // An error's message may quote a page, a tool or the model: no escape sequence reaches the terminal.
      io.stderr.write(escapeControls(`\nerror: ${report.cause}\n${hint}`));
      if (flags.debug && error instanceof Error) io.stderr.write(`${escapeControls(error.stack ?? '')}\n`);
      return report.exitCode;
    } finally {
      await connection.close();
    }
  }
  return session.signal.aborted ? 130 : 0;
}

function demoOptionLines(): string {
  return DEMOS.flatMap((demo) =>
    Object.entries(demo.options ?? {}).map(([name, option]) => {
      const usage = option.value === undefined ? `--${name}` : `--${name} <${option.value}>`;
      return `  ${usage.padEnd(18)} ${demo.name}: ${option.summary}`;
    }),
  ).join('\n');
}

function usageError(io: CliIo, problem: string): number {
  io.stderr.write(`${problem}\n\n${USAGE}\n`);
  return 2;
}
