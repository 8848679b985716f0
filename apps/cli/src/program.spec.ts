import { CommanderError } from 'commander';
import { buildProgram } from './program';

function quietProgram() {
  const program = buildProgram();
  const silence = (command: typeof program) => {
    command.configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
    command.commands.forEach(silence);
  };
  silence(program);
  return program;
}

async function commanderError(args: string[]): Promise<CommanderError> {
  const err = await quietProgram().parseAsync(['node', 'pimcp', ...args]).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(CommanderError);
  return err as CommanderError;
}

describe('buildProgram', () => {
  it('offers every command of issue 8 that lives in this file set', () => {
    expect(buildProgram().commands.map((c) => c.name())).toEqual(expect.arrayContaining(['up', 'connect', 'nodes', 'tools', 'call', 'ctx', 'token', 'bench']));
  });

  it.each([
    [['upp']],
    [['nodes', 'lst']],
    [['call']],
    [['bench', '--calls', '0']],
    [['call', 'system.info', '--timeout', 'soon']],
    [['ctx', 'put', 'demo', 'k', 'not json']],
    [['tools', 'list', '--gateway', 'localhost:8080']],
    [['toolsets', 'set', 'ops']],
    [['toolsets', 'delete']],
  ])('rejects %j before doing anything, with a non-zero exit code', async (args) => {
    expect((await commanderError(args)).exitCode).not.toBe(0);
  });

  it('offers pimcp toolsets list|get|set|delete', () => {
    expect(buildProgram().commands.find((c) => c.name() === 'toolsets')?.commands.map((c) => c.name())).toEqual(['list', 'get', 'set', 'delete']);
  });

  it('offers --ca-file to every command, and names it in each command\'s help', () => {
    const call = buildProgram().commands.find((c) => c.name() === 'call');
    expect(call?.helpInformation()).toContain('--ca-file <path>');
  });

  it('exits 0 for --help', async () => {
    expect((await commanderError(['call', '--help'])).exitCode).toBe(0);
  });
});
