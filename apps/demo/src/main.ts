// The demo CLI's entry: `pnpm nx run demo:start -- [demo] [--verbose] [--json] [--debug]`, or
// `pnpm --silent demo ...` (the root package's script) for output to pipe.
import { runCli } from './cli.ts';

const controller = new AbortController();
// The first Ctrl-C cancels the running demo cleanly (its run ends as aborted); a second one quits at once.
process.on('SIGINT', () => {
  if (controller.signal.aborted) process.exit(130);
  controller.abort(new Error('interrupted (Ctrl-C)'));
});

process.exitCode = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal,
});
