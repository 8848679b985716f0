import { Logger } from '@nestjs/common';
import type { ContextChange } from '../port/context-change';
import type { ContextWatchListener } from '../port/context-store.port';

const logger = new Logger('ContextWatch');

/**
 * Calls the listener. One that throws is a consumer bug: it is logged and the watch goes on, because stopping
 * or redelivering would break the exactly-once, in-order promise for everything after it.
 */
export function deliverChange(listener: ContextWatchListener, change: ContextChange): void {
  try {
    listener.onChange(change);
  } catch (error) {
    logger.error(`watch listener of context "${change.contextId}" threw at revision ${change.revision}: ${(error as Error).message}`);
  }
}
