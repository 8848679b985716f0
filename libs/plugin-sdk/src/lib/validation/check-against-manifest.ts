import { validateNodeManifest, type ManifestCheckOptions } from '@pimcp/protocol';

/**
 * Checks a plugin's offerings with the rules the registry applies to a node's manifest at join, as entries of a
 * stand-in manifest; throws INVALID_MANIFEST naming each bad field (`capabilities[0].inputSchema: ...`).
 */
export function checkAgainstManifest(offerings: Record<string, unknown[]>, options: ManifestCheckOptions = {}): void {
  validateNodeManifest({ nodeId: 'plugin-check', labels: {}, linkAddress: 'tcp://127.0.0.1:1', capabilities: [], ...offerings }, options);
}
