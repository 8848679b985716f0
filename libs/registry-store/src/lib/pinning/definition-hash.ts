import { createHash } from 'node:crypto';
import { canonicalJson, type CapabilityDefinition } from '@pimcp/protocol';

/**
 * Hash of everything a node declares about a capability, which is everything a model reads: name,
 * description, input and output schemas, annotations (with their title), version, cost class, offloadable. Canonical JSON, so key order does not
 * count. Unlike schemaDigest (ADR 0003) it covers the prose too: a rug pull usually changes only the description.
 */
export function definitionHash(definition: CapabilityDefinition): string {
  return `sha256:${createHash('sha256').update(canonicalJson(definition)).digest('hex')}`;
}
