import { escapeControls } from '@tinyagent/core/internal';
import type { Demo } from './demo.ts';
import { codeDemo } from './demos/code.ts';
import { filePromptDemo } from './demos/file-prompt.ts';
import { reactDemo } from './demos/react.ts';
import { readerDemo } from './demos/reader.ts';
import { rpgDemo } from './demos/rpg.ts';
import { simpleDemo } from './demos/simple.ts';
import type { Output } from './progress.ts';
import { chooseProvider } from './provider.ts';
import { describeFailure } from './report-error.ts';
import { createSession } from './session.ts';
import type { DemoFlags } from './session.ts';

/** Every demo, in tour order. */
export const DEMOS: readonly Demo[] = [simpleDemo, reactDemo, codeDemo, filePromptDemo, readerDemo, rpgDemo];

/** What the CLI reads and writes; the real process in main.ts, captured streams in tests. */
export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: Output;
  stderr: Output;
  env: Readonly<Record<string, string | undefined>>;
  /** Aborts the running demo (Ctrl-C). */
  signal?: AbortSignal;
}

const USAGE = `usage: pnpm nx run demo:start -- [demo] [--verbose] [--json] [--debug]
       pnpm --silent demo [demo] [--verbose] [--json] [--debug]   (no Nx lines on stdout: pipe --json to jq)

demos:
${DEMOS.map((demo) => `  ${demo.name.padEnd(12)} ${demo.summary}`).join('\n')}
  (none)       a tour of every demo but rpg

  --verbose    the agents' full trace
  --json       print each RunResult as JSON
  --debug      print stack traces of errors

models: OPENAI_API_KEY → OpenAI; OPENAI_BASE_URL (+ optional key) → any OpenAI-compatible server;
TINYAGENT_MODEL names the model; with neither set, the demos run offline on a scripted model.`;

/** Runs the CLI and returns the process exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const flags: DemoFlags & { debug: boolean } = {
    verbose: argv.includes('--verbose'),
    json: argv.includes('--json'),
    debug: argv.includes('--debug'),
  };
  const positional = argv.filter((arg) => !arg.startsWith('--'));
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const unknownFlag = argv.find((arg) => arg.startsWith('-') && !['--verbose', '--json', '--debug'].includes(arg));
  const [name, ...args] = positional;
  const chosen =
    name === undefined ? DEMOS.filter((demo) => !demo.interactive) : DEMOS.filter((demo) => demo.name === name);
  if (unknownFlag !== undefined || chosen.length === 0) {
    io.stderr.write(
      `${unknownFlag === undefined ? `unknown demo '${name ?? ''}'` : `unknown option '${unknownFlag}'`}\n\n${USAGE}\n`,
    );
    return 2;
  }

  const provider = chooseProvider(io.env);
  const session = createSession({
    provider,
    flags,
    stdout: io.stdout,
    stderr: io.stderr,
    stdin: io.stdin,
    signal: io.signal ?? new AbortController().signal,
  });
  session.say(provider.offline ? `TinyAgent demo — ${provider.label}` : `TinyAgent demo — model: ${provider.label}`);
  for (const demo of chosen) {
    session.say(`\n━━ ${demo.name}: ${demo.summary}`);
    const connection = await provider.connect(demo.brain);
    try {
      await demo.run(session, connection.options, args);
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
