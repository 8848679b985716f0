import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Query } from '@nestjs/common';
import { ErrorCode, NODE_ID_PATTERN, PimcpError } from '@pimcp/protocol';
import type { DefinitionPinRecord, PinningEvent, RegistryStore, TrustedNodeRecord } from '@pimcp/registry-store';
import type { RegistryConfig } from '../config/registry.config';
import { REGISTRY_CONFIG, REGISTRY_STORE } from '../config/registry-tokens';
import { ReviewDefinitionDto } from './review-definition.dto';
import { ListPendingDefinitionsUseCase, type PendingDefinitionView } from './usecases/list-pending-definitions/list-pending-definitions.usecase';
import { ReviewDefinitionCommand } from './usecases/review-definition/review-definition.command';
import { type ReviewDefinitionResult, ReviewDefinitionUseCase } from './usecases/review-definition/review-definition.usecase';
import { SetNodeTrustedUseCase } from './usecases/set-node-trusted/set-node-trusted.usecase';

const EVENTS_DEFAULT = 100;
const EVENTS_MAX = 1000;

/** Definition pinning for operators (docs/tool-pinning.md): held changes, approve/reject, trust, the event list. */
@Controller('v1/definitions')
export class DefinitionsController {
  constructor(
    @Inject(REGISTRY_STORE) private readonly store: RegistryStore,
    @Inject(REGISTRY_CONFIG) private readonly config: RegistryConfig,
    private readonly listPending: ListPendingDefinitionsUseCase,
    private readonly review: ReviewDefinitionUseCase,
    private readonly setTrusted: SetNodeTrustedUseCase,
  ) {}

  @Get('pending')
  async pending(@Query('node') node?: string): Promise<{ pending: PendingDefinitionView[] }> {
    return { pending: await this.listPending.execute(optionalNodeId(node)) };
  }

  @Get('pins')
  async pins(@Query('node') node?: string): Promise<{ pins: DefinitionPinRecord[] }> {
    return { pins: await this.store.listPins(optionalNodeId(node)) };
  }

  @Post(':nodeId/:name/approve')
  @HttpCode(200)
  approve(@Param('nodeId') nodeId: string, @Param('name') name: string, @Body() body: ReviewDefinitionDto): Promise<ReviewDefinitionResult> {
    return this.review.execute(ReviewDefinitionCommand.create(nodeId, name, true, body?.hash));
  }

  @Post(':nodeId/:name/reject')
  @HttpCode(200)
  reject(@Param('nodeId') nodeId: string, @Param('name') name: string, @Body() body: ReviewDefinitionDto): Promise<ReviewDefinitionResult> {
    return this.review.execute(ReviewDefinitionCommand.create(nodeId, name, false, body?.hash));
  }

  @Get('events')
  async events(@Query('limit') limit?: string): Promise<{ events: PinningEvent[] }> {
    return { events: await this.store.listPinningEvents(eventLimit(limit)) };
  }

  @Get('trusted-nodes')
  async trusted(): Promise<{ settings: readonly string[]; nodes: TrustedNodeRecord[] }> {
    return { settings: this.config.trustedNodes, nodes: await this.store.listTrustedNodes() };
  }

  @Put('trusted-nodes/:nodeId')
  @HttpCode(200)
  trust(@Param('nodeId') nodeId: string): Promise<{ nodeId: string; trusted: boolean; revision: number }> {
    return this.setTrusted.execute(nodeId, true);
  }

  @Delete('trusted-nodes/:nodeId')
  @HttpCode(200)
  distrust(@Param('nodeId') nodeId: string): Promise<{ nodeId: string; trusted: boolean; revision: number }> {
    return this.setTrusted.execute(nodeId, false);
  }
}

function optionalNodeId(node: string | undefined): string | undefined {
  if (node !== undefined && !NODE_ID_PATTERN.test(node)) {
    throw new PimcpError(ErrorCode.InvalidRequest, 'node must be a node id such as "pi-kitchen-1"');
  }
  return node;
}

function eventLimit(limit: string | undefined): number {
  if (limit === undefined) return EVENTS_DEFAULT;
  const n = Number(limit);
  if (!Number.isInteger(n) || n < 1 || n > EVENTS_MAX) {
    throw new PimcpError(ErrorCode.InvalidRequest, `limit must be a whole number from 1 to ${EVENTS_MAX}`);
  }
  return n;
}
