/** Manifests for the contract suites: small, valid, and easy to vary by schema and version. */
import type { CapabilityDefinition, NodeManifest } from '@pimcp/protocol';

export interface ContractCapabilityOptions {
  version?: string;
  inputSchema?: Record<string, unknown>;
}

export function contractCapability(name: string, options: ContractCapabilityOptions = {}): CapabilityDefinition {
  return {
    name,
    description: `contract test capability ${name}`,
    inputSchema: options.inputSchema ?? { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
    version: options.version ?? '1.0.0',
    costClass: 'light',
  };
}

export function contractManifest(nodeId: string, capabilities: CapabilityDefinition[]): NodeManifest {
  return { nodeId, labels: { tier: 'edge' }, linkAddress: `tcp://${nodeId}.test:7600`, capabilities };
}
