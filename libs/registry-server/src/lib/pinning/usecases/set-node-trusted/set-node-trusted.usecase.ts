import { Inject, Injectable, Logger } from '@nestjs/common';
import { ErrorCode, NODE_ID_PATTERN, PimcpError } from '@pimcp/protocol';
import type { RegistryStore } from '@pimcp/registry-store';
import { REGISTRY_STORE } from '../../../config/registry-tokens';

/** The admin API's trust toggle: a trusted node's definition changes are auto-approved at its next join. */
@Injectable()
export class SetNodeTrustedUseCase {
  private readonly logger = new Logger(SetNodeTrustedUseCase.name);

  constructor(@Inject(REGISTRY_STORE) private readonly store: RegistryStore) {}

  async execute(nodeId: string, trusted: boolean): Promise<{ nodeId: string; trusted: boolean; revision: number }> {
    if (!NODE_ID_PATTERN.test(nodeId)) throw new PimcpError(ErrorCode.InvalidRequest, 'nodeId must be a node id such as "pi-kitchen-1"');
    const revision = await this.store.setNodeTrusted(nodeId, trusted);
    this.logger.log(`node ${nodeId} ${trusted ? 'trusted: its definition changes are auto-approved' : 'no longer trusted'}`);
    return { nodeId, trusted, revision };
  }
}
