import { type DynamicModule, Module } from '@nestjs/common';
import type { ToolInvoker } from '@pimcp/node-link';
import { LINK_CONNECTIONS, TOOL_INVOKER } from './edge-node-tokens';
import type { LinkConnections } from './link/link-connections';
import { NodeLinkController } from './link/node-link.controller';

/** The edge node's Nest side: the TCP node link. Membership and tools are wired by bootstrapEdgeNode. */
@Module({})
export class EdgeNodeServerModule {
  static forRoot(invoker: ToolInvoker, connections: LinkConnections): DynamicModule {
    return {
      module: EdgeNodeServerModule,
      controllers: [NodeLinkController],
      providers: [{ provide: TOOL_INVOKER, useValue: invoker }, { provide: LINK_CONNECTIONS, useValue: connections }],
    };
  }
}
