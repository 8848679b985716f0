import { trustedBySettings } from './trusted-nodes.policy';

describe(trustedBySettings.name, () => {
  const node = { nodeId: 'cloud-1', labels: { tier: 'cloud', team: 'ml' } };

  it('trusts a node named by id or matched by a label selector', () => {
    expect(trustedBySettings(node, ['cloud-1'])).toBe(true);
    expect(trustedBySettings(node, ['pi-1', 'tier=cloud'])).toBe(true);
  });

  it('trusts nobody else: other ids, other label values, a label key alone', () => {
    expect(trustedBySettings(node, [])).toBe(false);
    expect(trustedBySettings(node, ['cloud-2', 'tier=edge', 'tier'])).toBe(false);
  });
});
