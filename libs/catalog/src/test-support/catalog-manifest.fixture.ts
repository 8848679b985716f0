/** Small valid manifests for catalog tests, easy to vary by version, description and schema. */
import type { CapabilityDefinition, NodeManifest } from '@pimcp/protocol';

export interface FixtureCapabilityOptions {
  version?: string;
  description?: string;
  inputSchema?: Record<string, unknown>;
}

export function capability(name: string, options: FixtureCapabilityOptions = {}): CapabilityDefinition {
  return {
    name,
    description: options.description ?? `test capability ${name}`,
    inputSchema: options.inputSchema ?? { type: 'object', properties: { query: { type: 'string' } } },
    version: options.version ?? '1.0.0',
    costClass: 'light',
  };
}

export function manifest(
  nodeId: string, capabilities: CapabilityDefinition[], options: { linkAddress?: string; labels?: Record<string, string> } = {},
): NodeManifest {
  return {
    nodeId,
    labels: options.labels ?? { tier: 'edge' },
    linkAddress: options.linkAddress ?? `tcp://${nodeId}.test:7600`,
    capabilities,
  };
}
