import { Inject, Injectable, Logger } from '@nestjs/common';
import { type JoinReply, validateNodeManifest } from '@pimcp/protocol';
import type { RegistryStore } from '@pimcp/registry-store';
import type { RegistryConfig } from '../../../config/registry.config';
import { REGISTRY_CONFIG, REGISTRY_STORE } from '../../../config/registry-tokens';
import { PINNING_EVENT_SINK, type PinningEventSink } from '../../../pinning/pinning-event-sink.port';
import { trustedBySettings } from '../../../pinning/trusted-nodes.policy';

/**
 * Admits a node: validates its manifest, then writes it under a fresh lease. Definitions go through pinning
 * (ADR 0015): a changed one is held for an operator and the pinned one keeps serving.
 */
@Injectable()
export class JoinNodeUseCase {
  private readonly logger = new Logger(JoinNodeUseCase.name);

  constructor(
    @Inject(REGISTRY_STORE) private readonly store: RegistryStore,
    @Inject(REGISTRY_CONFIG) private readonly config: RegistryConfig,
    @Inject(PINNING_EVENT_SINK) private readonly pinningEvents: PinningEventSink,
  ) {}

  async execute(input: unknown): Promise<JoinReply> {
    const manifest = validateNodeManifest(input);
    const ttlSeconds = this.config.leaseTtlSeconds;
    const pinning = {
      trusted: trustedBySettings(manifest, this.config.trustedNodes), holdNewCapabilities: this.config.holdNewCapabilities,
    };
    const { leaseId, revision, pinningEvents, held } = await this.store.join(manifest, { ttlSeconds, pinning });
    this.pinningEvents.record(pinningEvents);
    const heldNote = held.length > 0 ? `; definitions held for approval: ${held.join(', ')}` : '';
    this.logger.log(`node ${manifest.nodeId} joined with ${manifest.capabilities.length} capabilities (revision ${revision})${heldNote}`);
    return {
      nodeId: manifest.nodeId,
      leaseId,
      ttlSeconds,
      heartbeatIntervalMs: Math.floor((ttlSeconds * 1000) / 3),
      revision,
    };
  }
}
