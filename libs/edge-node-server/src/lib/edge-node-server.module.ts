import { type DynamicModule, Module } from '@nestjs/common';
import type { ToolInvoker } from '@pimcp/node-link';
import { TOOL_INVOKER } from './edge-node-tokens';
import { NodeLinkController } from './link/node-link.controller';

/** The edge node's Nest side: the node link. Membership and tools are wired by bootstrapEdgeNode. */
@Module({})
export class EdgeNodeServerModule {
  static forRoot(invoker: ToolInvoker): DynamicModule {
    return { module: EdgeNodeServerModule, controllers: [NodeLinkController], providers: [{ provide: TOOL_INVOKER, useValue: invoker }] };
  }
}
