import { Inject, Injectable } from '@nestjs/common';
import type { PinningEvent, RegistryStore } from '@pimcp/registry-store';
import { REGISTRY_STORE } from '../../../config/registry-tokens';
import { PINNING_EVENT_SINK, type PinningEventSink } from '../../pinning-event-sink.port';
import type { ReviewDefinitionCommand } from './review-definition.command';

export interface ReviewDefinitionResult {
  nodeId: string;
  name: string;
  decision: 'approved' | 'rejected';
  /** The hash that serves from now on (absent when nothing was ever approved for a held new capability). */
  pinnedHash?: string;
  event: PinningEvent;
  revision: number;
}

/** Approves (pins and serves the proposed definition) or rejects (keeps the pinned one) a held change. */
@Injectable()
export class ReviewDefinitionUseCase {
  constructor(
    @Inject(REGISTRY_STORE) private readonly store: RegistryStore,
    @Inject(PINNING_EVENT_SINK) private readonly pinningEvents: PinningEventSink,
  ) {}

  async execute(command: ReviewDefinitionCommand): Promise<ReviewDefinitionResult> {
    const { record, event, revision } = await this.store.reviewPin({
      nodeId: command.nodeId, name: command.name, approve: command.approve,
      ...(command.expectedHash ? { expectedHash: command.expectedHash } : {}),
    });
    this.pinningEvents.record([event]);
    return {
      nodeId: command.nodeId, name: command.name, decision: command.approve ? 'approved' : 'rejected',
      ...(record.pinned ? { pinnedHash: record.pinned.hash } : {}), event, revision,
    };
  }
}
