import { Inject, Injectable, Logger } from '@nestjs/common';
import type { RegistryStore } from '@pimcp/registry-store';
import { REGISTRY_STORE } from '../../../config/registry-tokens';
import type { NodeIdDto } from '../../node-id.dto';

/** A clean leave: the node and its capabilities disappear at once rather than at lease expiry. */
@Injectable()
export class LeaveNodeUseCase {
  private readonly logger = new Logger(LeaveNodeUseCase.name);

  constructor(@Inject(REGISTRY_STORE) private readonly store: RegistryStore) {}

  async execute({ nodeId }: NodeIdDto): Promise<void> {
    await this.store.leave(nodeId);
    this.logger.log(`node ${nodeId} left`);
  }
}
