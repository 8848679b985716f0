import { Inject, Injectable, Logger } from '@nestjs/common';
import { type JoinReply, validateNodeManifest } from '@pimcp/protocol';
import type { RegistryStore } from '@pimcp/registry-store';
import type { RegistryConfig } from '../../../config/registry.config';
import { REGISTRY_CONFIG, REGISTRY_STORE } from '../../../config/registry-tokens';

/** Admits a node: validates its manifest, then writes it under a fresh lease. */
@Injectable()
export class JoinNodeUseCase {
  private readonly logger = new Logger(JoinNodeUseCase.name);

  constructor(
    @Inject(REGISTRY_STORE) private readonly store: RegistryStore,
    @Inject(REGISTRY_CONFIG) private readonly config: RegistryConfig,
  ) {}

  async execute(input: unknown): Promise<JoinReply> {
    const manifest = validateNodeManifest(input);
    const ttlSeconds = this.config.leaseTtlSeconds;
    const { leaseId, revision } = await this.store.join(manifest, { ttlSeconds });
    this.logger.log(`node ${manifest.nodeId} joined with ${manifest.capabilities.length} capabilities (revision ${revision})`);
    return {
      nodeId: manifest.nodeId,
      leaseId,
      ttlSeconds,
      heartbeatIntervalMs: Math.floor((ttlSeconds * 1000) / 3),
      revision,
    };
  }
}
