import { depthExceeds } from './json-depth.middleware';

describe('depthExceeds', () => {
  const nested = (depth: number) => JSON.parse(`${'['.repeat(depth)}1${']'.repeat(depth)}`) as unknown;

  it('accepts bodies up to the limit and refuses deeper ones, arrays and objects alike', () => {
    expect(depthExceeds(nested(64), 64)).toBe(false);
    expect(depthExceeds(nested(65), 64)).toBe(true);
    expect(depthExceeds(JSON.parse(`${'{"a":'.repeat(65)}1${'}'.repeat(65)}`), 64)).toBe(true);
    expect(depthExceeds({ jsonrpc: '2.0', params: { arguments: { a: [1, { b: 2 }] } } }, 64)).toBe(false);
  });

  it('walks 100,000 levels without overflowing its own stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(depthExceeds(deep, 64)).toBe(true);
    expect(depthExceeds(deep, 200_000)).toBe(false);
  });
});
