import { type PeerCertificate, TLSSocket } from 'node:tls';
import { nodeIdsOf } from './node-identity';

/**
 * What a connection proves about its peer: `plaintext` (no TLS on this link: nothing is checked), or the
 * node ids its verified client certificate names (empty for a service certificate).
 */
export type PeerIdentity = { kind: 'plaintext' } | { kind: 'certificate'; nodeIds: string[] };

/** Reads the peer identity of a socket (a Nest JsonSocket's netSocket or a raw socket). */
export function peerIdentityOf(socket: unknown): PeerIdentity {
  if (!(socket instanceof TLSSocket)) return { kind: 'plaintext' };
  // Servers run with rejectUnauthorized, so an established socket's certificate chains to the CA.
  if (!socket.authorized) return { kind: 'certificate', nodeIds: [] };
  const cert = socket.getPeerCertificate() as PeerCertificate | Record<string, never>;
  return { kind: 'certificate', nodeIds: 'subjectaltname' in cert ? nodeIdsOf(cert) : [] };
}
