import { createHash } from 'node:crypto';
import { canonicalJson, type InvokeRequest, type NodeRequest, type NodeRequestMethod } from '@pimcp/protocol';

/** What one invocation token allows: one operation on one capability with exactly these arguments. */
export interface InvocationGrant {
  operation: 'tools/call' | NodeRequestMethod;
  /** The tool name, resource URI, prompt name, or completion reference. */
  capability: string;
  /** SHA-256 (hex) of the canonical JSON of the arguments (tools) or params (forwarded requests). */
  argumentsHash: string;
}

/** SHA-256 (hex) of the canonical JSON (sorted keys) of a value: equal arguments hash equally whatever their key order. */
export function argumentsHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value ?? {})).digest('hex');
}

export function grantOfInvoke(request: Pick<InvokeRequest, 'tool' | 'arguments'>): InvocationGrant {
  return { operation: 'tools/call', capability: request.tool, argumentsHash: argumentsHash(request.arguments) };
}

export function grantOfNodeRequest(request: Pick<NodeRequest, 'method' | 'params'>): InvocationGrant {
  return { operation: request.method, capability: targetOf(request), argumentsHash: argumentsHash(request.params) };
}

/** resources/read names a URI, prompts/get a prompt; completion/complete a prompt or resource reference. */
function targetOf({ method, params }: Pick<NodeRequest, 'method' | 'params'>): string {
  if (method === 'resources/read') return String(params['uri'] ?? '');
  if (method === 'prompts/get') return String(params['name'] ?? '');
  const ref = params['ref'] as Record<string, unknown> | undefined;
  return String(ref?.['name'] ?? ref?.['uri'] ?? '');
}
