import type { InvokeRequest, NodeRequest } from '@pimcp/protocol';
import { grantOfInvoke, grantOfNodeRequest } from './invocation-grant';
import type { InvocationTokenSigner } from './invocation-token.signer';

type Signer = Pick<InvocationTokenSigner, 'sign'>;

/** The invocation with a fresh token for exactly it on that node (what the gateway sends). */
export async function signedInvoke(signer: Signer, nodeId: string, request: InvokeRequest): Promise<InvokeRequest> {
  const invocationToken = await signer.sign({ nodeId, caller: request.caller, grant: grantOfInvoke(request), deadline: request.deadline });
  return { ...request, invocationToken };
}

/** A forwarded resources/prompts/completion request with a fresh token for exactly it on that node. */
export async function signedNodeRequest(signer: Signer, nodeId: string, request: NodeRequest): Promise<NodeRequest> {
  const invocationToken = await signer.sign({ nodeId, caller: request.caller, grant: grantOfNodeRequest(request), deadline: request.deadline });
  return { ...request, invocationToken };
}
