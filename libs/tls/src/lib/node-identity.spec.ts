import { certificateNamesNode, expectNodeIdentity, nodeIdsOf } from './node-identity';

describe('nodeIdsOf', () => {
  it('reads node ids from URI SANs and ignores other names', () => {
    expect(nodeIdsOf({ subjectaltname: 'DNS:localhost, URI:spiffe://pimcp/node/pi-1, IP Address:127.0.0.1' })).toEqual(['pi-1']);
    expect(nodeIdsOf({ subjectaltname: 'URI:spiffe://other/node/pi-1, DNS:spiffe://pimcp/node/x' })).toEqual([]);
    expect(nodeIdsOf(undefined)).toEqual([]);
  });
});

describe('certificateNamesNode', () => {
  it('accepts exactly one matching id', () => {
    expect(certificateNamesNode({ subjectaltname: 'URI:spiffe://pimcp/node/a' }, 'a')).toBe(true);
    expect(certificateNamesNode({ subjectaltname: 'URI:spiffe://pimcp/node/a' }, 'b')).toBe(false);
    expect(certificateNamesNode({ subjectaltname: 'URI:spiffe://pimcp/node/a, URI:spiffe://pimcp/node/b' }, 'a')).toBe(false);
  });
});

describe('expectNodeIdentity', () => {
  it('fails a certificate of another node, naming both', () => {
    const check = expectNodeIdentity('b');
    const error = check('127.0.0.1', { subjectaltname: 'URI:spiffe://pimcp/node/a' } as never);
    expect(error?.message).toMatch(/certificate of node b names node a/);
    expect(check('127.0.0.1', { subjectaltname: 'URI:spiffe://pimcp/node/b' } as never)).toBeUndefined();
  });
});
