/**
 * The schema conflict rule: one (capability name, major version) has one schema among live nodes.
 * A claim key remembers the schema; it only binds while some live capability still holds it.
 */
import { ErrorCode, majorVersion, PimcpError, type CapabilityRecord } from '@pimcp/protocol';
import { registryKeys } from '../registry-keys';
import type { ClaimRequest } from './join-records.factory';

export interface SchemaConflict {
  request: ClaimRequest;
  /** Live nodes whose capability of that name and major version has a different schema. */
  holders: string[];
}

/** Requests whose claim exists with another digest; only these need the (costlier) liveness check. */
export function contestedClaims(
  requests: ClaimRequest[], claimDigest: (claimKey: string) => string | undefined,
): ClaimRequest[] {
  return requests.filter((r) => {
    const existing = claimDigest(r.claimKey);
    return existing !== undefined && existing !== r.digest;
  });
}

/**
 * Of the contested requests, those that a live capability still opposes. The joining node's own earlier
 * registration counts as a holder too: its capabilities stay live until the new registration replaces them.
 */
export function findSchemaConflicts(contested: ClaimRequest[], liveCapabilities: CapabilityRecord[]): SchemaConflict[] {
  const conflicts: SchemaConflict[] = [];
  for (const request of contested) {
    const holders = liveCapabilities
      .filter((c) => c.definition.name === request.name && majorVersion(c.definition.version) === request.major
        && c.schemaDigest !== request.digest)
      .map((c) => c.nodeId);
    if (holders.length > 0) conflicts.push({ request, holders: [...new Set(holders)].sort() });
  }
  return conflicts;
}

/** A claim binds while a live capability of its name and major version has its digest; otherwise it is stale. */
export function claimIsHeld(claimKey: string, digest: string | undefined, liveCapabilities: CapabilityRecord[]): boolean {
  return liveCapabilities.some((c) => c.schemaDigest === digest
    && registryKeys.claim(c.definition.name, majorVersion(c.definition.version)) === claimKey);
}

export function schemaConflictError(nodeId: string, conflicts: SchemaConflict[]): PimcpError {
  const parts = conflicts.map(({ request, holders }) =>
    `capability "${request.name}" version ${request.version} (major ${request.major}) has a different schema than the one `
    + `registered by node(s) ${holders.join(', ')}`);
  return new PimcpError(
    ErrorCode.CapabilityConflict,
    `node "${nodeId}" cannot join: ${parts.join('; ')}. Bump the major version or make the schema identical.`,
    conflicts.map(({ request, holders }) => ({
      path: `capabilities[${request.index}].inputSchema`,
      message: `schema differs from major version ${request.major} registered by ${holders.join(', ')}`,
    })),
  );
}
