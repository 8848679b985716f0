/** Manifests for registry tests: a valid base and targeted ways to break it. */
export function nodeManifest(nodeId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    nodeId,
    labels: { tier: 'edge', region: 'tokyo', arch: 'arm64' },
    linkAddress: 'tcp://127.0.0.1:7600',
    capabilities: [capability('file.search'), capability('system.info')],
    ...overrides,
  };
}

export function capability(name: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    description: `${name} for tests`,
    inputSchema: { type: 'object', properties: { query: { type: 'string' } } },
    version: '1.0.0',
    costClass: 'light',
    annotations: { readOnlyHint: true },
    ...overrides,
  };
}
