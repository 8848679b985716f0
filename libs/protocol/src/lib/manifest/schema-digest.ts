import { createHash } from 'node:crypto';
import type { CapabilityDefinitionDto } from './capability-definition.dto';

/** JSON with object keys sorted, so equal schemas hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Digest of the contract part of a capability (its schemas): what must agree across nodes. */
export function schemaDigest(cap: Pick<CapabilityDefinitionDto, 'inputSchema' | 'outputSchema'>): string {
  const canonical = canonicalJson({ inputSchema: cap.inputSchema, outputSchema: cap.outputSchema ?? null });
  return createHash('sha256').update(canonical).digest('hex');
}

/** Major version: capabilities with the same name and major version must share one schema. */
export function majorVersion(version: string): number {
  return Number.parseInt(version.split('.')[0] ?? '0', 10);
}
