import { Logger } from '@nestjs/common';
import type { PinningEvent } from '@pimcp/registry-store';
import type { PinningEventSink } from './pinning-event-sink.port';

/** The default sink: one log line per event; held changes are warnings, since they wait for an operator. */
export class LoggingPinningEventSink implements PinningEventSink {
  private readonly logger = new Logger('DefinitionPinning');

  record(events: readonly PinningEvent[]): void {
    for (const e of events) {
      const line = `definition ${e.kind}: node ${e.nodeId} capability ${e.capability} ${e.hash}`
        + `${e.previousHash ? ` (was ${e.previousHash})` : ''} by ${e.by}`;
      if (e.kind === 'held') this.logger.warn(`${line}; approve or reject it with the admin API (/v1/definitions/pending)`);
      else this.logger.log(line);
    }
  }
}
