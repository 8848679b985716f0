/** The records a join writes, built the same way by both adapters. */
import {
  majorVersion, schemaDigest, type CapabilityRecord, type NodeManifest, type NodeOfferings, type NodeRecord,
} from '@pimcp/protocol';
import { registryKeys } from '../registry-keys';

/** What one capability of a manifest asks for: a schema claim on (name, major version). */
export interface ClaimRequest {
  /** Position in the manifest's capability list, for field paths in errors. */
  index: number;
  name: string;
  version: string;
  major: number;
  digest: string;
  claimKey: string;
}

export function claimRequests(manifest: NodeManifest): ClaimRequest[] {
  return manifest.capabilities.map((cap, index) => {
    const major = majorVersion(cap.version);
    return {
      index, name: cap.name, version: cap.version, major, digest: schemaDigest(cap), claimKey: registryKeys.claim(cap.name, major),
    };
  });
}

export function nodeRecord(manifest: NodeManifest, leaseId: string, joinedAt: Date): NodeRecord {
  return {
    nodeId: manifest.nodeId,
    labels: { ...manifest.labels },
    linkAddress: manifest.linkAddress,
    joinedAt: joinedAt.toISOString(),
    leaseId,
    capabilityNames: manifest.capabilities.map((cap) => cap.name),
    ...offeringsOf(manifest),
  };
}

/** Only nodes that serve resources or prompts carry the field, so tool-only records stay as they were. */
function offeringsOf(manifest: NodeManifest): { offerings?: NodeOfferings } {
  const offerings: NodeOfferings = {
    resources: manifest.resources ?? [],
    resourceTemplates: manifest.resourceTemplates ?? [],
    prompts: manifest.prompts ?? [],
  };
  const empty = offerings.resources.length + offerings.resourceTemplates.length + offerings.prompts.length === 0;
  return empty ? {} : { offerings: JSON.parse(JSON.stringify(offerings)) as NodeOfferings };
}

export function capabilityRecords(manifest: NodeManifest): CapabilityRecord[] {
  return manifest.capabilities.map((cap) => ({ nodeId: manifest.nodeId, definition: cap, schemaDigest: schemaDigest(cap) }));
}
