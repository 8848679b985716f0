import { Logger } from '@nestjs/common';
import { ClientTCP } from '@nestjs/microservices';

/**
 * Nest's TCP client, but a dropped node connection is a warning naming the node rather than an error
 * with a stack: nodes come and go, and the calls on that connection already fail with NODE_UNAVAILABLE.
 */
export class NodeLinkTcpClient extends ClientTCP {
  private readonly linkLogger = new Logger('NodeLinkClient');

  constructor(private readonly linkAddress: string, options: ConstructorParameters<typeof ClientTCP>[0]) {
    super(options);
  }

  override handleError(err: unknown): void {
    const e = err as { code?: string; message?: string };
    this.linkLogger.warn(`link to node at ${this.linkAddress}: ${e?.code ?? e?.message ?? String(err)}`);
  }
}
