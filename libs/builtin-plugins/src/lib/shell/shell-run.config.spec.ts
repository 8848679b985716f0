import { ErrorCode, PimcpError } from '@pimcp/protocol';
import { tempDir } from '../../test-support/temp-dir.util';
import { parseShellRunConfig } from './shell-run.config';
import { shellRunPlugin } from './shell-run.plugin';

function problemsOf(raw: unknown): Array<{ path: string; message: string }> {
  try {
    parseShellRunConfig(raw);
  } catch (err) {
    expect(err).toBeInstanceOf(PimcpError);
    expect((err as PimcpError).code).toBe(ErrorCode.InvalidRequest);
    return (err as PimcpError).problems;
  }
  throw new Error('the config was accepted');
}

describe('parseShellRunConfig', () => {
  const dir = tempDir('shell-config');

  it.each([undefined, null, {}])('allows nothing for an absent or empty section (%p): the plugin offers no tool', (raw) => {
    const config = parseShellRunConfig(raw);
    expect(config.executables).toEqual([]);
    expect(shellRunPlugin(config).tools).toEqual([]);
  });

  it('resolves executables to real paths and anchors their argument patterns', () => {
    const config = parseShellRunConfig({ workingDirectory: dir(), executables: { '/bin/echo': { args: ['a|b'] } } });
    expect(config.executables[0]).toMatchObject({ path: '/bin/echo', realPath: '/usr/bin/echo', name: 'echo' });
    expect(config.executables[0].argPatterns[0].test('a')).toBe(true);
    expect(config.executables[0].argPatterns[0].test('ab')).toBe(false);
    expect(config.env).toEqual({ PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8' });
  });

  it('lists every problem with its field path', () => {
    const problems = problemsOf({
      executables: {
        'bin/echo': null,
        '/nonexistent/tool': {},
        '/usr/bin/printf': { args: ['(unclosed'], extra: true },
      },
      env: { 'BAD-NAME': 'x' },
      timeoutMs: 10_000_000,
      shell: true,
    });
    const paths = problems.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining([
      'executables["bin/echo"]', 'executables["/nonexistent/tool"]', 'executables["/usr/bin/printf"].args[0]',
      'executables["/usr/bin/printf"].extra', 'env.BAD-NAME', 'timeoutMs', 'shell', 'workingDirectory',
    ]));
    expect(problems.find((p) => p.path === 'workingDirectory')?.message).toContain('is required when executables are allowed');
    expect(problems.find((p) => p.path === 'executables["/nonexistent/tool"]')?.message).toBe('does not exist on this node');
  });

  it('refuses two entries for the same file, and a cap above the kill limit', () => {
    const problems = problemsOf({ workingDirectory: dir(), executables: { '/bin/echo': null, '/usr/bin/echo': null }, maxOutputBytes: 4096, killOutputBytes: 4096 });
    expect(problems).toEqual(expect.arrayContaining([
      { path: 'executables["/usr/bin/echo"]', message: 'resolves to the same file as executables["/bin/echo"] (/usr/bin/echo); keep one entry' },
      expect.objectContaining({ path: 'killOutputBytes' }),
    ]));
  });

  it('prefixes paths with where the section sits in the node config', () => {
    expect(() => parseShellRunConfig({ timeoutMs: 'soon' }, 'plugins.shell')).toThrow(/plugins\.shell\.timeoutMs/);
  });
});
