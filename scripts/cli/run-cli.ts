/**
 * The small runner every `npm run <tool>` CLI of this repository shares:
 * options parsed with `node:util` `parseArgs` (strict), `--help` / `-h` on
 * every tool, messages prefixed with the tool's name, and one exit-code
 * convention: 0 done, 1 failed, 2 usage error (the usage text follows the
 * message on stderr).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Where a CLI writes; tests pass their own. */
export interface CliIo {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
}

/** The process's own stdout and stderr, one line per call. */
export const processIo: CliIo = {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
};

/** A mistake in the command line: reported with the usage text and exit code 2. */
export class UsageError extends Error {}

/** The options a CLI declares (`--help` is added by the runner). */
export type CliOptions = NonNullable<ParseArgsConfig['options']>;

/** The value of each option given: a boolean for a flag, else a string (options are single-valued). */
export type OptionValues<O extends CliOptions> = { readonly [K in keyof O]?: O[K] extends { type: 'boolean' } ? boolean : string };

/** The parsed command line of a CLI. */
export interface ParsedCommandLine<O extends CliOptions> {
  readonly values: OptionValues<O>;
  readonly positionals: readonly string[];
}

/** One CLI: its name (the prefix of its messages), usage text, options and what it does. */
export interface CliDefinition<O extends CliOptions> {
  /** Prefix of every message: `<name>: ...`. */
  readonly name: string;
  /** Printed by `--help` (stdout) and after a usage error (stderr). */
  readonly usage: string;
  readonly options: O;
  /** Whether positional arguments are allowed. @default false */
  readonly allowPositionals?: boolean;
  /** Does the work; resolves to the exit code. Throw {@link UsageError} for a command-line mistake found late. */
  readonly run: (commandLine: ParsedCommandLine<O>, io: CliIo) => number | Promise<number>;
}

/** Runs `cli` on `argv`; resolves to the exit code (0 done, 1 failed, 2 usage error). Never throws. */
export async function runCli<O extends CliOptions>(cli: CliDefinition<O>, argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { ...cli.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: cli.allowPositionals ?? false,
      strict: true,
    });
  } catch (error) {
    io.stderr(`${cli.name}: ${oneLine(error)}\n${cli.usage}`);
    return 2;
  }
  const values = parsed.values as Record<string, unknown>;
  if (values.help === true) {
    io.stdout(cli.usage);
    return 0;
  }
  try {
    return await cli.run({ values: values as OptionValues<O>, positionals: parsed.positionals }, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`${cli.name}: ${error.message}\n${cli.usage}`);
      return 2;
    }
    io.stderr(`${cli.name}: ${oneLine(error)}`);
    return 1;
  }
}

/** Runs `cli` on this process's arguments and sets its exit code. */
export function main<O extends CliOptions>(cli: CliDefinition<O>): void {
  void runCli(cli, process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}

/** A one-line message for any error: file-system permission errors read "access denied". */
export function oneLine(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EACCES' || code === 'EPERM') return `access denied: ${(error as Error).message}`;
  // Errors of node:util (parseArgs) may come from another realm, where `instanceof Error` is false: read `message`.
  const message = (error as { message?: unknown } | undefined)?.message;
  return (typeof message === 'string' ? message : String(error)).replace(/\s*\n\s*/g, ' ');
}
