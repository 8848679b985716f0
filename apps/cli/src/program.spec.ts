import { CommanderError } from 'commander';
import { buildProgram } from './program';

describe('buildProgram', () => {
  it('offers the up command', () => {
    expect(buildProgram().commands.map((c) => c.name())).toContain('up');
  });

  it('rejects an unknown command with a non-zero exit code', async () => {
    const program = buildProgram().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
    const err = await program.parseAsync(['node', 'pimcp', 'upp']).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(CommanderError);
    expect((err as CommanderError).exitCode).not.toBe(0);
  });
});
