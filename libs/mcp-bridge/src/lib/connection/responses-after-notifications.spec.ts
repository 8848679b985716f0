import { Client, type JSONRPCMessage, type Transport } from '@modelcontextprotocol/client';
import { deliverResponsesAfterNotifications } from './responses-after-notifications';

/** A server that writes its last progress notification and its result in one read, as a stdio child does. */
class OneChunkServer implements Transport {
  onmessage?: Transport['onmessage'];
  onclose?: () => void;
  onerror?: (error: Error) => void;

  async start(): Promise<void> {
    return undefined;
  }

  async close(): Promise<void> {
    this.onclose?.();
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (!('method' in message) || !('id' in message)) return;
    if (message.method === 'initialize') {
      return this.deliver({ jsonrpc: '2.0', id: message.id, result: { protocolVersion: '2025-11-25', capabilities: { tools: {} }, serverInfo: { name: 'one-chunk', version: '1.0.0' } } });
    }
    const token = (message.params as { _meta?: { progressToken?: number } } | undefined)?._meta?.progressToken ?? 0;
    this.deliver({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: token, progress: 100, total: 100 } });
    this.deliver({ jsonrpc: '2.0', id: message.id, result: { content: [] } });
  }

  private deliver(message: JSONRPCMessage): void {
    this.onmessage?.(message);
  }
}

async function progressSeen(fix: boolean): Promise<{ progress: number[]; errors: string[] }> {
  const transport = new OneChunkServer();
  const client = new Client({ name: 'test', version: '1.0.0' });
  const errors: string[] = [];
  client.onerror = (err) => errors.push(err.message);
  await client.connect(transport);
  if (fix) deliverResponsesAfterNotifications(transport);
  const progress: number[] = [];
  await client.callTool({ name: 'work', arguments: {} }, { onprogress: (p) => progress.push(p.progress) });
  await new Promise((resolve) => setImmediate(resolve));
  await client.close();
  return { progress, errors };
}

describe(deliverResponsesAfterNotifications.name, () => {
  it('lets the progress notification written just before the result reach onprogress', async () => {
    expect(await progressSeen(true)).toEqual({ progress: [100], errors: [] });
  });

  it('is needed: without it the SDK client drops that progress as an unknown token', async () => {
    const { progress, errors } = await progressSeen(false);
    expect(progress).toEqual([]);
    expect(errors.join('\n')).toMatch(/unknown token/);
  });

  it('refuses a transport that is not connected yet', () => {
    expect(() => deliverResponsesAfterNotifications(new OneChunkServer())).toThrow(/after client.connect/);
  });
});
