import { parseArgs } from 'node:util';
import type { Demo, DemoOptionValues } from './demo.ts';
import type { DemoFlags } from './session.ts';

/** What the demo CLI was asked to do, read from its arguments. */
export interface CommandLine {
  flags: DemoFlags & { debug: boolean };
  help: boolean;
  /** The demo's name, then its arguments. */
  positional: string[];
  /** The values of demo-specific options, by name without `--`. */
  demoOptions: DemoOptionValues;
}

const SWITCHES = ['verbose', 'json', 'debug', 'trace'] as const;

/**
 * Reads the CLI's arguments: the switches every demo honours, plus the options of each demo
 * (`demos`); returns a message instead for an option nobody takes or one missing its value.
 */
export function parseCommandLine(argv: readonly string[], demos: readonly Demo[]): CommandLine | { problem: string } {
  const demoOptions = Object.fromEntries(
    demos.flatMap((demo) =>
      Object.entries(demo.options ?? {}).map(([name, option]) => [
        name,
        { type: option.value === undefined ? ('boolean' as const) : ('string' as const) },
      ]),
    ),
  );
  const known = new Set(['help', 'h', ...SWITCHES, ...Object.keys(demoOptions)]);
  // Checked before parseArgs, whose own message suggests `--` (which would reach no demo).
  const unknown = argv.find((arg) => arg.startsWith('-') && !known.has(optionName(arg)));
  if (unknown !== undefined) return { problem: `unknown option '${unknown}'` };
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        ...demoOptions,
        verbose: { type: 'boolean' },
        json: { type: 'boolean' },
        debug: { type: 'boolean' },
        trace: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    const { verbose, json, debug, trace, help, ...rest } = values;
    return {
      flags: { verbose: verbose === true, json: json === true, debug: debug === true, trace: trace === true },
      help: help === true,
      positional: positionals,
      demoOptions: rest,
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { problem: message.split('\n', 1)[0] ?? message };
  }
}

/** The first demo option in `given` that `demo` does not take, as typed (`--resume`). */
export function foreignOption(given: DemoOptionValues, demo: Demo): string | undefined {
  const name = Object.keys(given).find((key) => given[key] !== undefined && demo.options?.[key] === undefined);
  return name === undefined ? undefined : `--${name}`;
}

// `--decline=why` names `decline`; `-h` names `h`.
function optionName(arg: string): string {
  const name = arg.replace(/^--?/, '');
  const equals = name.indexOf('=');
  return equals === -1 ? name : name.slice(0, equals);
}
