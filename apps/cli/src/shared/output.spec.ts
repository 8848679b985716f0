import { compactJson, renderTable } from './output';

describe('renderTable', () => {
  it('aligns columns without borders or colour codes', () => {
    expect(renderTable(['NODE', 'TOOLS'], [['pi-1', 3], ['kitchen-pi-2', 12]])).toBe(
      'NODE          TOOLS\n' +
      'pi-1          3\n' +
      'kitchen-pi-2  12',
    );
  });
});

describe('compactJson', () => {
  it('cuts long values to the width with an ellipsis', () => {
    expect(compactJson({ a: 1 })).toBe('{"a":1}');
    expect(compactJson('x'.repeat(100), 10)).toBe('"xxxxxxxx…');
  });
});
