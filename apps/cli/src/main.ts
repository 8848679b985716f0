#!/usr/bin/env node
import { CommanderError } from 'commander';
import { ConfigError } from '@pimcp/config';
import { buildProgram } from './program';

buildProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    if (err instanceof CommanderError) process.exit(err.exitCode);
    console.error(err instanceof ConfigError ? err.message : `pimcp: ${(err as Error).message ?? String(err)}`);
    process.exit(1);
  });
