import { Inject, Injectable } from '@nestjs/common';
import type { CapabilityDefinition } from '@pimcp/protocol';
import { type DefinitionChange, diffDefinitions, type RegistryStore } from '@pimcp/registry-store';
import { REGISTRY_STORE } from '../../../config/registry-tokens';

/** One held change as an operator reviews it: what serves now, what the node proposes, and the fields that differ. */
export interface PendingDefinitionView {
  nodeId: string;
  name: string;
  /** Absent for a never-seen capability held by PIMCP_REGISTRY_HOLD_NEW_CAPABILITIES. */
  pinnedHash?: string;
  proposedHash: string;
  heldAt: string;
  changes: DefinitionChange[];
  proposed: CapabilityDefinition;
}

@Injectable()
export class ListPendingDefinitionsUseCase {
  constructor(@Inject(REGISTRY_STORE) private readonly store: RegistryStore) {}

  async execute(nodeId?: string): Promise<PendingDefinitionView[]> {
    const pins = await this.store.listPins(nodeId);
    return pins.flatMap((pin) => (pin.pending ? [{
      nodeId: pin.nodeId, name: pin.name,
      ...(pin.pinned ? { pinnedHash: pin.pinned.hash } : {}),
      proposedHash: pin.pending.hash, heldAt: pin.pending.at,
      changes: diffDefinitions(pin.pinned?.definition, pin.pending.definition),
      proposed: pin.pending.definition,
    }] : []));
  }
}
