/** Which joins the registry's settings trust to change their own definitions (PIMCP_REGISTRY_TRUSTED_NODES). */
import type { NodeManifest } from '@pimcp/protocol';

/** True when an entry names the node's id or a `label=value` the node carries. */
export function trustedBySettings(manifest: Pick<NodeManifest, 'nodeId' | 'labels'>, entries: readonly string[]): boolean {
  return entries.some((entry) => {
    const eq = entry.indexOf('=');
    if (eq < 0) return entry === manifest.nodeId;
    return manifest.labels[entry.slice(0, eq)] === entry.slice(eq + 1);
  });
}
