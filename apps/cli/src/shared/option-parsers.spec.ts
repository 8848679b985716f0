import { InvalidArgumentError } from 'commander';
import { collect, duration, nonNegativeInt, positiveInt } from './option-parsers';

describe('option parsers', () => {
  it('reads durations in seconds or with a unit', () => {
    expect([duration('30'), duration('1.5'), duration('90s'), duration('15m'), duration('12h'), duration('30d')]).toEqual([30, 1.5, 90, 900, 43_200, 2_592_000]);
    for (const bad of ['0', '-1', 'soon', '5w', '']) expect(() => duration(bad)).toThrow(InvalidArgumentError);
  });

  it('reads whole numbers within bounds', () => {
    expect(positiveInt(10)('10')).toBe(10);
    for (const bad of ['0', '11', '2.5', 'x', '-1']) expect(() => positiveInt(10)(bad)).toThrow(InvalidArgumentError);
    expect(nonNegativeInt('0')).toBe(0);
    expect(() => nonNegativeInt('-3')).toThrow(InvalidArgumentError);
  });

  it('collects repeated values in order', () => {
    expect(collect('b=2', collect('a=1'))).toEqual(['a=1', 'b=2']);
  });
});
