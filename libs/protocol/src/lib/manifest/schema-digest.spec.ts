import { canonicalJson, majorVersion, schemaDigest } from './schema-digest';

describe('schemaDigest', () => {
  it('is the same for equal schemas written in another key order', () => {
    const a = { inputSchema: { type: 'object', properties: { a: { type: 'string' }, b: { type: 'number' } } } };
    const b = { inputSchema: { properties: { b: { type: 'number' }, a: { type: 'string' } }, type: 'object' } };
    expect(schemaDigest(a)).toBe(schemaDigest(b));
  });

  it('differs when the input or output schema differs', () => {
    const base = { inputSchema: { type: 'object' } };
    expect(schemaDigest(base)).not.toBe(schemaDigest({ inputSchema: { type: 'object', required: ['x'] } }));
    expect(schemaDigest(base)).not.toBe(schemaDigest({ ...base, outputSchema: { type: 'object' } }));
  });

  it('keeps array order, which is meaningful in JSON Schema', () => {
    expect(canonicalJson({ enum: [1, 2] })).not.toBe(canonicalJson({ enum: [2, 1] }));
  });
});

describe('majorVersion', () => {
  it('reads the major part of a semantic version', () => {
    expect(majorVersion('2.10.3')).toBe(2);
    expect(majorVersion('0.1.0-beta.1')).toBe(0);
  });
});
