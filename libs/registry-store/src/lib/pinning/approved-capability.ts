/** What an approval serves: the capability record and the schema claim it needs, and the conflict it may raise. */
import {
  ErrorCode, majorVersion, PimcpError, schemaDigest, type CapabilityDefinition, type CapabilityRecord,
} from '@pimcp/protocol';
import { registryKeys } from '../registry-keys';
import type { ClaimRequest } from '../shared/join-records.factory';
import { contestedClaims, findSchemaConflicts } from '../shared/schema-conflict.policy';

export interface ApprovedCapability {
  record: CapabilityRecord;
  claim: ClaimRequest;
}

export function approvedCapability(nodeId: string, definition: CapabilityDefinition): ApprovedCapability {
  const digest = schemaDigest(definition);
  const major = majorVersion(definition.version);
  return {
    record: { nodeId, definition, schemaDigest: digest },
    claim: {
      index: 0, name: definition.name, version: definition.version, major, digest, claimKey: registryKeys.claim(definition.name, major),
    },
  };
}

/** Whether a claim with another digest exists; only then is the (costlier) liveness check needed. */
export function approvalIsContested(approved: ApprovedCapability, claimDigest: string | undefined): boolean {
  return contestedClaims([approved.claim], () => claimDigest).length > 0;
}

/**
 * ADR 0003 still holds for approvals: an approved schema may not contradict other live nodes' for the same name and
 * major version. The node's own current record does not count: the approval replaces it.
 */
export function approvalConflict(approved: ApprovedCapability, liveCapabilities: CapabilityRecord[]): PimcpError | undefined {
  const others = liveCapabilities.filter((c) => !(c.nodeId === approved.record.nodeId && c.definition.name === approved.claim.name));
  const conflict = findSchemaConflicts([approved.claim], others)[0];
  if (!conflict) return undefined;
  return new PimcpError(ErrorCode.CapabilityConflict,
    `approving the new definition of "${approved.claim.name}" on node "${approved.record.nodeId}" would give version `
    + `${approved.claim.version} (major ${approved.claim.major}) a different schema than the one registered by node(s) `
    + `${conflict.holders.join(', ')}; reject it, or have the node bump the major version`);
}
