import { type DynamicModule, Module } from '@nestjs/common';
import type { NodeLinkHandlers } from '@pimcp/node-link';
import { LINK_CONNECTIONS, LINK_HANDLERS } from './edge-node-tokens';
import type { LinkConnections } from './link/link-connections';
import { NodeLinkController } from './link/node-link.controller';

/** The edge node's Nest side: the TCP node link. Membership and tools are wired by bootstrapEdgeNode. */
@Module({})
export class EdgeNodeServerModule {
  static forRoot(handlers: NodeLinkHandlers, connections: LinkConnections): DynamicModule {
    return {
      module: EdgeNodeServerModule,
      controllers: [NodeLinkController],
      providers: [{ provide: LINK_HANDLERS, useValue: handlers }, { provide: LINK_CONNECTIONS, useValue: connections }],
    };
  }
}
