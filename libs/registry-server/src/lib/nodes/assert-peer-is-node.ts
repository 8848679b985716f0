import type { TcpContext } from '@nestjs/microservices';
import { ErrorCode, PimcpError } from '@pimcp/protocol';
import { peerIdentityOf } from '@pimcp/tls';

/**
 * On an mTLS link a node may only join, heartbeat and leave as the node its client certificate names
 * (URI SAN spiffe://pimcp/node/<id>); a plaintext link (loopback development) carries no identity to check.
 */
export function assertPeerIsNode(context: TcpContext, nodeId: unknown): void {
  const peer = peerIdentityOf(context.getSocketRef().netSocket);
  if (peer.kind === 'plaintext') return;
  if (peer.nodeIds.length === 1 && peer.nodeIds[0] === nodeId) return;
  const named = peer.nodeIds.length ? `node ${peer.nodeIds.join(', ')}` : 'no node';
  throw new PimcpError(
    ErrorCode.InvalidRequest,
    `refused: this connection's client certificate names ${named}, not node ${String(nodeId).slice(0, 100)}; a node registers only under the id in its certificate (pimcp certs init --nodes ${String(nodeId).slice(0, 100)})`,
  );
}
