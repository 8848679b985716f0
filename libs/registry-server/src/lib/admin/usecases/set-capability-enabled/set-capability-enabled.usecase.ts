import { Inject, Injectable, Logger } from '@nestjs/common';
import { ALL_NODES } from '@pimcp/protocol';
import type { RegistryStore } from '@pimcp/registry-store';
import { REGISTRY_STORE } from '../../../config/registry-tokens';
import type { SetCapabilityEnabledCommand } from './set-capability-enabled.command';

export interface CapabilitySwitchResult {
  name: string;
  scope: string;
  enabled: boolean;
  revision: number;
}

/**
 * Persists an operator's switch. It is kept even for nodes that are not live now, so a node that
 * restarts comes back with the capability still off.
 */
@Injectable()
export class SetCapabilityEnabledUseCase {
  private readonly logger = new Logger(SetCapabilityEnabledUseCase.name);

  constructor(@Inject(REGISTRY_STORE) private readonly store: RegistryStore) {}

  async execute(command: SetCapabilityEnabledCommand): Promise<CapabilitySwitchResult> {
    const scope = command.node ?? ALL_NODES;
    const revision = await this.store.setCapabilityEnabled(scope, command.name, command.enabled);
    this.logger.log(`capability ${command.name} ${command.enabled ? 'enabled' : 'disabled'} on ${scope === ALL_NODES ? 'every node' : scope}`);
    return { name: command.name, scope, enabled: command.enabled, revision };
  }
}
