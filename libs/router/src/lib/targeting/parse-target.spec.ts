import { ErrorCode } from '@pimcp/protocol';
import { parseTarget, parseTargetMeta, TARGET_META_KEY } from './parse-target';

describe('parseTargetMeta', () => {
  it('is undefined when the caller set no target', () => {
    expect(parseTargetMeta(undefined)).toBeUndefined();
    expect(parseTargetMeta({ other: 1 })).toBeUndefined();
    expect(parseTargetMeta({ [TARGET_META_KEY]: null })).toBeUndefined();
  });

  it('reads a node id', () => {
    expect(parseTargetMeta({ [TARGET_META_KEY]: 'pi-1' })).toEqual({ kind: 'node', nodeId: 'pi-1' });
  });

  it('reads a label selector', () => {
    const target = parseTargetMeta({ [TARGET_META_KEY]: 'region=tokyo,gpu=true' });
    expect(target?.kind).toBe('selector');
    expect(target?.kind === 'selector' && target.selector.matches({ region: 'tokyo', gpu: 'true' })).toBe(true);
    expect(target?.kind === 'selector' && target.selector.matches({ region: 'tokyo' })).toBe(false);
  });
});

describe('parseTarget', () => {
  it('reads the explicit object forms, so a bare label key can be a selector', () => {
    expect(parseTarget({ nodeId: 'gpu' })).toEqual({ kind: 'node', nodeId: 'gpu' });
    const target = parseTarget({ selector: 'gpu' });
    expect(target.kind === 'selector' && target.selector.toString()).toBe('gpu');
  });

  it.each([
    [42, `_meta.${TARGET_META_KEY}`],
    [{ nodeId: 'pi-1', selector: 'a=b' }, `_meta.${TARGET_META_KEY}`],
    [{ nodeId: 'Pi_1' }, `_meta.${TARGET_META_KEY}.nodeId`],
    [{ selector: 'region in (' }, `_meta.${TARGET_META_KEY}.selector`],
    ['region in (tokyo', `_meta.${TARGET_META_KEY}`],
  ])('refuses %j with INVALID_REQUEST at %s', (value, path) => {
    expect(() => parseTarget(value)).toThrow(expect.objectContaining({ code: ErrorCode.InvalidRequest, problems: [expect.objectContaining({ path })] }));
  });
});
