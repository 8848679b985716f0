import { changeLagSeconds } from './change-lag';

describe(changeLagSeconds.name, () => {
  it('is the time from the commit to now, in seconds', () => {
    expect(changeLagSeconds(1_000, 1_250)).toBe(0.25);
  });

  it('clamps a consumer clock that runs behind the store to 0', () => {
    expect(changeLagSeconds(1_000, 990)).toBe(0);
  });

  it('is unknown for a change without a commit time', () => {
    expect(changeLagSeconds(undefined, 1_000)).toBeUndefined();
  });
});
