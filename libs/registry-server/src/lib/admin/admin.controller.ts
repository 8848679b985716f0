import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ErrorCode, NODE_ID_PATTERN, PimcpError, type RegistrySnapshot } from '@pimcp/protocol';
import type { RegistryStore } from '@pimcp/registry-store';
import { REGISTRY_STORE } from '../config/registry-tokens';
import { LeadershipService } from '../leadership/leadership.service';
import { CapabilitySwitchDto } from './capability-switch.dto';
import { DrainNodeUseCase } from './usecases/drain-node/drain-node.usecase';
import { SetCapabilityEnabledCommand } from './usecases/set-capability-enabled/set-capability-enabled.command';
import { type CapabilitySwitchResult, SetCapabilityEnabledUseCase } from './usecases/set-capability-enabled/set-capability-enabled.usecase';

/** The operators' API: read the catalog, switch capabilities, drain nodes. */
@Controller('v1')
export class AdminController {
  constructor(
    @Inject(REGISTRY_STORE) private readonly store: RegistryStore,
    private readonly setCapabilityEnabled: SetCapabilityEnabledUseCase,
    private readonly drainNode: DrainNodeUseCase,
    private readonly leadership: LeadershipService,
  ) {}

  @Get('catalog')
  catalog(): Promise<RegistrySnapshot> {
    return this.store.snapshot();
  }

  @Post('capabilities/:name/disable')
  @HttpCode(200)
  disable(@Param('name') name: string, @Body() body: CapabilitySwitchDto): Promise<CapabilitySwitchResult> {
    return this.setCapabilityEnabled.execute(SetCapabilityEnabledCommand.create(name, false, body.node));
  }

  @Post('capabilities/:name/enable')
  @HttpCode(200)
  enable(@Param('name') name: string, @Body() body: CapabilitySwitchDto): Promise<CapabilitySwitchResult> {
    return this.setCapabilityEnabled.execute(SetCapabilityEnabledCommand.create(name, true, body.node));
  }

  @Post('nodes/:nodeId/drain')
  @HttpCode(200)
  drain(@Param('nodeId') nodeId: string): Promise<{ nodeId: string; draining: true }> {
    if (!NODE_ID_PATTERN.test(nodeId)) {
      throw new PimcpError(ErrorCode.InvalidRequest, 'nodeId must be a node id such as "pi-kitchen-1"');
    }
    return this.drainNode.execute(nodeId);
  }

  @Get('leader')
  leader(): Promise<{ replicaId: string; isLeader: boolean; leader: string | null }> {
    return this.leadership.status();
  }
}
