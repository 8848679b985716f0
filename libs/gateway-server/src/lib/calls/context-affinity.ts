/**
 * Where each shared context was last used: the node that ran the last call in a context has opened a replica of
 * it (ADR 0011), so the router prefers it for the next call in that context (the score's affinity term). Kept per
 * gateway and bounded: the least recently used contexts are forgotten.
 */
export class ContextAffinity {
  private readonly lastNode = new Map<string, string>();

  constructor(private readonly maxContexts = 10_000) {}

  get size(): number {
    return this.lastNode.size;
  }

  nodeFor(contextId: string): string | undefined {
    return this.lastNode.get(contextId);
  }

  record(contextId: string, nodeId: string): void {
    this.lastNode.delete(contextId);
    this.lastNode.set(contextId, nodeId);
    if (this.lastNode.size > this.maxContexts) {
      const oldest = this.lastNode.keys().next().value as string;
      this.lastNode.delete(oldest);
    }
  }
}
