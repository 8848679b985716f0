/** A node's identity in its certificate: a URI SAN `spiffe://pimcp/node/<node id>` (SPIFFE-style, one per certificate). */
import type { PeerCertificate } from 'node:tls';

export const NODE_IDENTITY_PREFIX = 'spiffe://pimcp/node/';

export function nodeIdentityUri(nodeId: string): string {
  return `${NODE_IDENTITY_PREFIX}${nodeId}`;
}

/** The node ids a peer certificate names (normally one); empty for a service or a foreign certificate. */
export function nodeIdsOf(cert: Pick<PeerCertificate, 'subjectaltname'> | undefined): string[] {
  const san = cert?.subjectaltname ?? '';
  const ids: string[] = [];
  // Node formats the SAN as `DNS:a, URI:spiffe://..., IP Address:...`; values with commas are quoted JSON strings.
  for (const entry of san.split(/,\s*/)) {
    const match = /^URI:"?(.*?)"?$/.exec(entry);
    if (match?.[1]?.startsWith(NODE_IDENTITY_PREFIX)) ids.push(match[1].slice(NODE_IDENTITY_PREFIX.length));
  }
  return ids;
}

/** Whether the certificate names this node id and no other. */
export function certificateNamesNode(cert: Pick<PeerCertificate, 'subjectaltname'> | undefined, nodeId: string): boolean {
  const ids = nodeIdsOf(cert);
  return ids.length === 1 && ids[0] === nodeId;
}

/**
 * A `checkServerIdentity` for a TLS client dialing one node: the node's certificate must name that node id.
 * Host names are not checked: a node's address can change, its identity cannot (the CA vouches for it).
 */
export function expectNodeIdentity(nodeId: string): (host: string, cert: PeerCertificate) => Error | undefined {
  return (_host, cert) => {
    if (certificateNamesNode(cert, nodeId)) return undefined;
    const named = nodeIdsOf(cert);
    return Object.assign(
      new Error(`the certificate of node ${nodeId} names ${named.length ? `node ${named.join(', ')}` : 'no node'} (expected URI SAN ${nodeIdentityUri(nodeId)})`),
      { code: 'ERR_PIMCP_NODE_IDENTITY' },
    );
  };
}
