import { Inject, Injectable, Logger } from '@nestjs/common';
import type { RegistryStore } from '@pimcp/registry-store';
import { REGISTRY_STORE } from '../../../config/registry-tokens';

/** Marks a node as draining; the node learns it on its next heartbeat and routers stop sending it work. */
@Injectable()
export class DrainNodeUseCase {
  private readonly logger = new Logger(DrainNodeUseCase.name);

  constructor(@Inject(REGISTRY_STORE) private readonly store: RegistryStore) {}

  async execute(nodeId: string): Promise<{ nodeId: string; draining: true }> {
    await this.store.drain(nodeId);
    this.logger.log(`node ${nodeId} is draining`);
    return { nodeId, draining: true };
  }
}
