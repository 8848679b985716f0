import { Inject, Injectable } from '@nestjs/common';
import type { HeartbeatReply } from '@pimcp/protocol';
import type { RegistryStore } from '@pimcp/registry-store';
import { REGISTRY_STORE } from '../../../config/registry-tokens';
import type { NodeIdDto } from '../../node-id.dto';

/** Renews a node's lease and tells it whether it is being drained. */
@Injectable()
export class HeartbeatNodeUseCase {
  constructor(@Inject(REGISTRY_STORE) private readonly store: RegistryStore) {}

  async execute({ nodeId }: NodeIdDto): Promise<HeartbeatReply> {
    const { draining } = await this.store.heartbeat(nodeId);
    return { nodeId, draining };
  }
}
