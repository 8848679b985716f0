import { compareVersions } from './version-order';

describe(compareVersions.name, () => {
  it('orders by semantic precedence, numerically, with releases above their pre-releases', () => {
    const versions = ['1.10.0', '1.2.0', '1.10.0-rc.1', '1.10.0-alpha', '1.10.0-rc.10', '1.10.0-rc.2', '0.9.9', '2.0.0-beta'];

    expect([...versions].sort(compareVersions)).toEqual([
      '0.9.9', '1.2.0', '1.10.0-alpha', '1.10.0-rc.1', '1.10.0-rc.2', '1.10.0-rc.10', '1.10.0', '2.0.0-beta',
    ]);
  });

  it('treats equal versions as equal and puts anything not semantic first', () => {
    expect(compareVersions('1.0.0', '1.0.0')).toBe(0);
    expect(compareVersions('latest', '0.0.1')).toBeLessThan(0);
  });
});
