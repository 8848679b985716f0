/**
 * What a join does to definition pins, decided without I/O so both adapters agree: which definition each capability
 * serves, which pin records change, and which events that makes (ADR 0015).
 */
import type { CapabilityDefinition, NodeManifest } from '@pimcp/protocol';
import { definitionHash } from './definition-hash';
import type { DefinitionPinPolicy, DefinitionPinRecord, HashedDefinition, PinningEvent } from './definition-pin.types';

export interface JoinPinPlan {
  /** The manifest with every held capability replaced by its pinned definition (or left out when none is pinned). */
  served: NodeManifest;
  /** Pin records to write (new pins, changes held, pending entries withdrawn or auto-approved). */
  writes: DefinitionPinRecord[];
  events: PinningEvent[];
  /** Capabilities whose proposed definition does not serve (held, still pending, or rejected before). */
  held: string[];
}

/** Plans the pins of one join. `pins` holds the node's existing records by capability name. */
export function planJoinPins(
  manifest: NodeManifest, pins: ReadonlyMap<string, DefinitionPinRecord>, policy: DefinitionPinPolicy, now: Date,
): JoinPinPlan {
  const at = now.toISOString();
  const served: CapabilityDefinition[] = [];
  const writes: DefinitionPinRecord[] = [];
  const events: PinningEvent[] = [];
  const held: string[] = [];
  const event = (kind: PinningEvent['kind'], name: string, hash: string, previousHash?: string): void => {
    events.push({
      at, kind, nodeId: manifest.nodeId, capability: name, hash, ...(previousHash ? { previousHash } : {}),
      by: kind === 'auto-approved' || (kind === 'pinned' && policy.trusted) ? 'trust' : 'join',
    });
  };
  for (const definition of manifest.capabilities) {
    const { name } = definition;
    const proposed: HashedDefinition = { hash: definitionHash(definition), definition, at };
    const record = pins.get(name);
    const pinned = record?.pinned;
    const base: DefinitionPinRecord = { nodeId: manifest.nodeId, name, ...(record?.rejected ? { rejected: record.rejected } : {}) };
    if (pinned?.hash === proposed.hash) {
      // The node offers what is pinned. A pending change it no longer proposes is withdrawn.
      served.push(pinned.definition);
      if (record?.pending) {
        writes.push({ ...base, pinned });
        event('withdrawn', name, record.pending.hash, pinned.hash);
      }
    } else if (policy.trusted || (!record && !policy.holdNewCapabilities)) {
      // Trust on first use, or a trusted node: the proposal becomes the pin and serves now.
      served.push(definition);
      writes.push({ ...base, pinned: proposed });
      event(pinned ? 'auto-approved' : 'pinned', name, proposed.hash, pinned?.hash);
    } else {
      if (pinned) served.push(pinned.definition);
      held.push(name);
      const alreadyPending = record?.pending?.hash === proposed.hash;
      const rejected = record?.rejected?.includes(proposed.hash) ?? false;
      if (alreadyPending) continue;
      if (rejected) {
        // An operator said no to exactly this: keep serving the pin, and drop any other pending proposal.
        if (record?.pending) writes.push({ ...base, ...(pinned ? { pinned } : {}) });
        continue;
      }
      writes.push({ ...base, ...(pinned ? { pinned } : {}), pending: proposed });
      event('held', name, proposed.hash, pinned?.hash);
    }
  }
  return { served: { ...manifest, capabilities: served }, writes, events, held };
}
