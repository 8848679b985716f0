import { CliError, ExitCode } from '../shared/cli-error';
import { buildToolArguments } from './tool-arguments';

const schema = {
  type: 'object',
  properties: {
    pattern: { type: 'string' }, limit: { type: 'integer' }, ratio: { type: 'number' }, recursive: { type: 'boolean' },
    filter: { type: 'object' }, paths: { type: 'array' }, either: { type: ['number', 'string'] }, mode: { enum: ['1', '2'] }, value: {},
  },
  additionalProperties: false,
};

function usageError(run: () => unknown): CliError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(ExitCode.Usage);
    return error as CliError;
  }
  throw new Error('expected a usage error');
}

describe('buildToolArguments', () => {
  it('reads each value as the input schema types it', () => {
    expect(buildToolArguments(schema, [
      'pattern=42', 'limit=20', 'ratio=0.5', 'recursive=true', 'filter={"ext":"log"}', 'paths=["a","b"]', 'mode=1',
    ])).toEqual({ pattern: '42', limit: 20, ratio: 0.5, recursive: true, filter: { ext: 'log' }, paths: ['a', 'b'], mode: '1' });
  });

  it('keeps everything after the first = as the value', () => {
    expect(buildToolArguments(schema, ['pattern=a=b'])).toEqual({ pattern: 'a=b' });
  });

  it('prefers the non-string type of a union when the text parses as one, else keeps the string', () => {
    expect(buildToolArguments(schema, ['either=7'])).toEqual({ either: 7 });
    expect(buildToolArguments(schema, ['either=seven'])).toEqual({ either: 'seven' });
  });

  it('takes JSON for an untyped property when the text is JSON, and the text otherwise', () => {
    expect(buildToolArguments(schema, ['value={"step":3}'])).toEqual({ value: { step: 3 } });
    expect(buildToolArguments(schema, ['value=null'])).toEqual({ value: null });
    expect(buildToolArguments(schema, ['value=hello world'])).toEqual({ value: 'hello world' });
  });

  it('merges --json-args with --arg, --arg winning', () => {
    expect(buildToolArguments(schema, ['limit=5'], '{"limit": 1, "pattern": "x"}')).toEqual({ limit: 5, pattern: 'x' });
  });

  it.each([
    [['limit=2.5'], 'limit: "2.5" is not an integer'],
    [['limit=ten'], 'limit: "ten" is not an integer'],
    [['recursive=yes'], 'recursive: "yes" is not a boolean'],
    [['paths={"a":1}'], 'paths: "{"a":1}" is not an array'],
    [['limit'], '--arg takes key=value'],
    [['=3'], '--arg takes key=value'],
    [['colour=red'], 'the tool takes no argument "colour"; it takes pattern, limit'],
  ])('refuses %j as a usage error naming the problem', (pairs, message) => {
    expect(usageError(() => buildToolArguments(schema, pairs)).message).toContain(message);
  });

  it('refuses --json-args that is not a JSON object', () => {
    expect(usageError(() => buildToolArguments(schema, [], '{limit: 1}')).message).toContain('--json-args is not JSON');
    expect(usageError(() => buildToolArguments(schema, [], '[1]')).message).toContain('must be a JSON object');
  });

  it('lets a tool without a schema take any key', () => {
    expect(buildToolArguments(undefined, ['n=1', 's=x'])).toEqual({ n: 1, s: 'x' });
  });
});
