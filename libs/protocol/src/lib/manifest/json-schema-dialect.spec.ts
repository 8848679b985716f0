import { dialectOf, newAjv } from './json-schema-dialect';

describe('JSON Schema dialects', () => {
  const draft07 = { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { n: { type: 'integer' } } };

  it('reads draft-07 from $schema and takes 2020-12 otherwise', () => {
    expect(dialectOf(draft07)).toBe('draft-07');
    expect(dialectOf({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object' })).toBe('2020-12');
    expect(dialectOf({ type: 'object' })).toBe('2020-12');
    expect(dialectOf({ $schema: 42, type: 'object' })).toBe('2020-12');
  });

  it('makes an Ajv that knows the dialect\'s meta-schema', () => {
    const validate = newAjv('draft-07', { strict: false }).compile(draft07);
    expect(validate({ n: 1 })).toBe(true);
    expect(validate({ n: 'one' })).toBe(false);
    // The 2020-12 instance does not hold draft-07's meta-schema: the dialect decides which instance compiles.
    expect(() => newAjv('2020-12', { strict: false }).compile(draft07)).toThrow(/draft-07/);
  });
});
