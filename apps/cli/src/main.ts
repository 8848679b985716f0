#!/usr/bin/env node
import { CommanderError } from 'commander';
import { ConfigError } from '@pimcp/config';
import { buildProgram } from './program';
import { CliError, ExitCode } from './shared/cli-error';

/** Exits once stdout and stderr have taken everything written (an open MCP stream must not keep the CLI alive). */
function exit(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

buildProgram()
  .parseAsync(process.argv)
  .then(() => exit(ExitCode.Ok))
  .catch((err: unknown) => {
    // Commander has printed its own message (and help); --help and --version exit 0, anything else is a usage error.
    if (err instanceof CommanderError) return exit(err.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage);
    if (err instanceof CliError) {
      process.stderr.write(`pimcp: ${err.message}\n`);
      return exit(err.exitCode);
    }
    console.error(err instanceof ConfigError ? err.message : `pimcp: ${(err as Error).message ?? String(err)}`);
    exit(ExitCode.Failure);
  });
