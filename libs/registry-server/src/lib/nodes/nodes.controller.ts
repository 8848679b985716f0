import { Controller, UseFilters, UseInterceptors, UsePipes, ValidationPipe } from '@nestjs/common';
import { Ctx, MessagePattern, Payload, type TcpContext } from '@nestjs/microservices';
import { type HeartbeatReply, type JoinReply, RegistryPatterns } from '@pimcp/protocol';
import { invalidRequest } from '../errors/invalid-request';
import { PimcpRpcExceptionFilter } from '../errors/pimcp-rpc-exception.filter';
import { LinkMetricsInterceptor } from '../observability/link-metrics.interceptor';
import { assertPeerIsNode } from './assert-peer-is-node';
import { NodeIdDto } from './node-id.dto';
import { HeartbeatNodeUseCase } from './usecases/heartbeat-node/heartbeat-node.usecase';
import { JoinNodeUseCase } from './usecases/join-node/join-node.usecase';
import { LeaveNodeUseCase } from './usecases/leave-node/leave-node.usecase';

/** The node link: what nodes send to the registry over @nestjs/microservices. */
@Controller()
@UseFilters(PimcpRpcExceptionFilter)
@UseInterceptors(LinkMetricsInterceptor)
export class NodesController {
  constructor(
    private readonly joinNode: JoinNodeUseCase,
    private readonly heartbeatNode: HeartbeatNodeUseCase,
    private readonly leaveNode: LeaveNodeUseCase,
  ) {}

  /** The manifest is validated inside the use case, where every field problem is collected. */
  @MessagePattern(RegistryPatterns.join)
  async join(@Payload() manifest: unknown, @Ctx() context: TcpContext): Promise<JoinReply> {
    assertPeerIsNode(context, (manifest as { nodeId?: unknown } | null)?.nodeId);
    return this.joinNode.execute(manifest);
  }

  @MessagePattern(RegistryPatterns.heartbeat)
  @UsePipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, exceptionFactory: invalidRequest }))
  async heartbeat(@Payload() request: NodeIdDto, @Ctx() context: TcpContext): Promise<HeartbeatReply> {
    assertPeerIsNode(context, request.nodeId);
    return this.heartbeatNode.execute(request);
  }

  @MessagePattern(RegistryPatterns.leave)
  @UsePipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, exceptionFactory: invalidRequest }))
  async leave(@Payload() request: NodeIdDto, @Ctx() context: TcpContext): Promise<{ nodeId: string }> {
    assertPeerIsNode(context, request.nodeId);
    await this.leaveNode.execute(request);
    return { nodeId: request.nodeId };
  }
}
