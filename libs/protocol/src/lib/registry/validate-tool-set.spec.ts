import { ErrorCode } from '../errors/error-code';
import { PimcpError } from '../errors/pimcp-error';
import { toolSetLimits } from './tool-set.dto';
import { toolSetNameProblem, toolSetPatternProblems, validateToolSet } from './validate-tool-set';

function problemsOf(run: () => unknown): Array<{ path: string; message: string }> {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(PimcpError);
    expect((error as PimcpError).code).toBe(ErrorCode.InvalidRequest);
    return (error as PimcpError).problems;
  }
  throw new Error('expected validateToolSet to throw');
}

describe('validateToolSet', () => {
  it('accepts tool globs and scopes, keeping their order and dropping repeats', () => {
    expect(validateToolSet('ops.team_1', { patterns: ['shell.*', 'prompts:runbook', 'context:read', 'resources:file:///logs/*', 'shell.*'] }))
      .toEqual({ name: 'ops.team_1', patterns: ['shell.*', 'prompts:runbook', 'context:read', 'resources:file:///logs/*'] });
  });

  it('names each bad pattern by its index, and says what a pattern looks like', () => {
    const problems = problemsOf(() => validateToolSet('ops', { patterns: ['ok.*', 'toolset:other', 'a b', 7, 'context:delete', 'x'.repeat(513)] }));
    expect(problems.map((p) => p.path)).toEqual(['patterns[1]', 'patterns[2]', 'patterns[3]', 'patterns[4]', 'patterns[5]']);
    expect(problems[0]?.message).toMatch(/"toolset:other": expected a tool-name glob such as "shell\.\*"/);
  });

  it.each([
    [{}, 'patterns', /must be a list/],
    [{ patterns: [] }, 'patterns', /at least one pattern; DELETE/],
    [{ patterns: Array.from({ length: toolSetLimits.patterns + 1 }, (_, i) => `t${i}`) }, 'patterns', /at most 1000/],
    [{ patterns: ['x'], extra: true }, 'extra', /unknown field "extra"/],
    [null, 'body', /JSON object/],
    [['shell.*'], 'body', /JSON object/],
  ])('refuses %j naming %s', (body, path, message) => {
    expect(problemsOf(() => validateToolSet('ops', body))).toEqual([expect.objectContaining({ path, message: expect.stringMatching(message) })]);
  });

  it('refuses a bad name together with bad patterns, all at once', () => {
    expect(problemsOf(() => validateToolSet('has space', { patterns: ['a b'] })).map((p) => p.path)).toEqual(['name', 'patterns[0]']);
  });
});

describe('toolSetNameProblem', () => {
  it.each(['ops', 'Ops-1', 'a.b_c', '9'])('accepts %s', (name) => expect(toolSetNameProblem(name)).toBeUndefined());
  it.each(['', '-ops', 'a/b', 'a b', 'x'.repeat(65), 'toolset:x'])('refuses %j', (name) => expect(toolSetNameProblem(name)).toMatch(/is not a tool set name/));
});

describe('toolSetPatternProblems', () => {
  it('places problems under the path it is given (the gateway\'s YAML names the set)', () => {
    expect(toolSetPatternProblems(['a b'], 'toolSets.ops')).toEqual([expect.objectContaining({ path: 'toolSets.ops[0]' })]);
  });
});
