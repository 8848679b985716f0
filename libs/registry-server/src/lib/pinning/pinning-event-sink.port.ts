import type { PinningEvent } from '@pimcp/registry-store';

/**
 * Where pinning events go besides the registry's own event list: the log by default, the audit trail once it is
 * wired (RegistryServerOptions.pinningEventSink). Events carry ids and hashes only, never definitions' contents.
 */
export interface PinningEventSink {
  record(events: readonly PinningEvent[]): void;
}

export const PINNING_EVENT_SINK = Symbol('PINNING_EVENT_SINK');
