import type { EventStore, JSONRPCMessage } from '@modelcontextprotocol/server';

interface StoredEvent {
  id: string;
  streamId: string;
  message: JSONRPCMessage;
}

/**
 * SSE resumability (Last-Event-ID) for streams held by this replica. Keeps the most recent events
 * only, so a client that stays away too long gets a clear 400 instead of the gateway growing without bound.
 */
export class BoundedEventStore implements EventStore {
  private readonly events = new Map<string, StoredEvent>();
  private sequence = 0;

  constructor(private readonly maxEvents = 10_000) {}

  async storeEvent(streamId: string, message: JSONRPCMessage): Promise<string> {
    const id = `${streamId}_${(this.sequence++).toString(36)}`;
    this.events.set(id, { id, streamId, message });
    if (this.events.size > this.maxEvents) this.events.delete(this.events.keys().next().value as string);
    return id;
  }

  async getStreamIdForEventId(eventId: string): Promise<string | undefined> {
    return this.events.get(eventId)?.streamId;
  }

  async replayEventsAfter(lastEventId: string, { send }: { send: (eventId: string, message: JSONRPCMessage) => Promise<void> }): Promise<string> {
    const last = this.events.get(lastEventId);
    if (!last) throw new Error(`event ${lastEventId} is no longer available; reconnect without Last-Event-ID`);
    let after = false;
    for (const event of this.events.values()) {
      if (event.id === lastEventId) {
        after = true;
        continue;
      }
      // The SDK stores an empty priming event at the start of each stream; it is not replayed.
      if (after && event.streamId === last.streamId && Object.keys(event.message).length > 0) await send(event.id, event.message);
    }
    return last.streamId;
  }
}
