import { ErrorCode, PimcpError } from '@pimcp/protocol';
import { LabelSelector } from './label-selector';

const tokyoGpu = { region: 'tokyo', gpu: 'true', arch: 'arm64' };
const osaka = { region: 'osaka', arch: 'x64' };

function problem(text: string): string {
  const result = LabelSelector.tryParse(text);
  if (result.ok) throw new Error(`"${text}" parsed`);
  return result.message;
}

describe(LabelSelector.name, () => {
  describe('parse', () => {
    it('reads every operator into requirements', () => {
      const selector = LabelSelector.parse('region=tokyo, gpu==true,arch!=x64, tier in (edge, cloud), zone notin (a,b), accelerator, !draining');
      expect(selector.requirements).toEqual([
        { key: 'region', operator: '=', values: ['tokyo'] },
        { key: 'gpu', operator: '=', values: ['true'] },
        { key: 'arch', operator: '!=', values: ['x64'] },
        { key: 'tier', operator: 'in', values: ['edge', 'cloud'] },
        { key: 'zone', operator: 'notin', values: ['a', 'b'] },
        { key: 'accelerator', operator: 'exists', values: [] },
        { key: 'draining', operator: '!exists', values: [] },
      ]);
    });

    it('prints a canonical form that parses back to the same requirements', () => {
      const selector = LabelSelector.parse(' region = tokyo ,tier in(edge,cloud),!x ');
      expect(selector.toString()).toBe('region=tokyo,tier in (edge,cloud),!x');
      expect(LabelSelector.parse(selector.toString()).requirements).toEqual(selector.requirements);
    });

    it('throws INVALID_REQUEST with the problem for a bad selector', () => {
      const error = (() => { try { LabelSelector.parse('region in (tokyo'); } catch (e) { return e; } return undefined; })();
      expect(error).toBeInstanceOf(PimcpError);
      expect((error as PimcpError).code).toBe(ErrorCode.InvalidRequest);
      expect((error as PimcpError).message).toContain('missing ")"');
    });
  });

  describe('tryParse errors', () => {
    it.each([
      ['', 'is empty'],
      ['region=tokyo,', 'ends with ","'],
      ['region tokyo', 'unexpected "tokyo" after key "region" at column 8'],
      ['region in tokyo', 'expected "(" after "in" at column 11'],
      ['region in ()', 'expected a value at column 12'],
      ['region in (a;b)', 'expected "," or ")" at column 13, found ";"'],
      ['=tokyo', 'expected a label key at column 1, found "="'],
      ['region=tokyo;gpu', 'expected "," between requirements at column 13, found ";"'],
      ['-bad=1', '"-bad" at column 1 is not a label key'],
      [`k=${'v'.repeat(64)}`, 'is not a label value'],
    ])('%j: %s', (text, expected) => {
      expect(problem(text)).toContain(expected);
    });

    it('refuses selectors longer than 1024 characters without scanning them', () => {
      expect(problem(`a=${'b,a=b'.repeat(300)}`)).toContain('longer than 1024');
    });
  });

  describe('matches', () => {
    it.each([
      ['region=tokyo', true, false],
      ['region!=tokyo', false, true],
      ['gpu', true, false],
      ['!gpu', false, true],
      ['region in (tokyo,nagoya)', true, false],
      ['region notin (tokyo)', false, true],
      ['region=tokyo,gpu=true', true, false],
      ['region=tokyo,arch=x64', false, false],
      ['gpu!=true', false, true],
      ['gpu notin (true)', false, true],
    ])('%s: tokyo-gpu %s, osaka %s', (text, tokyoMatches, osakaMatches) => {
      const selector = LabelSelector.parse(text);
      expect(selector.matches(tokyoGpu)).toBe(tokyoMatches);
      expect(selector.matches(osaka)).toBe(osakaMatches);
    });

    it('does not read inherited properties as labels', () => {
      expect(LabelSelector.parse('constructor').matches({})).toBe(false);
      expect(LabelSelector.parse('toString').matches({})).toBe(false);
    });
  });

  describe('keys', () => {
    it('lists each key the selector reads once', () => {
      expect(LabelSelector.parse('region=tokyo,region!=osaka,gpu').keys()).toEqual(['region', 'gpu']);
    });
  });
});
