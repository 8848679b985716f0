import { StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { JSONRPCMessage } from '@modelcontextprotocol/server';
import { StdioServerTransport } from '@modelcontextprotocol/server/stdio';

export interface StdioHttpBridgeOptions {
  url: URL;
  token: string;
  /** Diagnostics go to stderr; stdout belongs to the protocol. Never given the token. */
  log: (line: string) => void;
}

type Message = JSONRPCMessage & { id?: string | number; method?: string; result?: { protocolVersion?: string } };

/**
 * Relays MCP messages between a desktop client on stdio and the gateway over Streamable HTTP, unchanged,
 * so both protocol eras, progress and cancellation pass through. The client's era is the gateway's era.
 */
export class StdioHttpBridge {
  private readonly down = new StdioServerTransport();
  private readonly up: StreamableHTTPClientTransport;
  private readonly pendingInitialize = new Set<string | number>();

  constructor(private readonly options: StdioHttpBridgeOptions) {
    this.up = new StreamableHTTPClientTransport(options.url, { requestInit: { headers: { authorization: `Bearer ${options.token}` } } });
  }

  /** Resolves when the desktop client closes stdin or the gateway connection ends. */
  async run(): Promise<void> {
    const closed = new Promise<void>((resolve) => {
      this.down.onclose = () => {
        void this.closeUpstream().finally(resolve);
      };
      this.up.onclose = () => {
        void this.down.close().finally(resolve);
      };
    });
    this.down.onmessage = (message) => this.toGateway(message as Message);
    this.up.onmessage = (message) => this.toClient(message as Message);
    this.up.onerror = (err) => this.options.log(`gateway connection: ${err.message}`);
    this.down.onerror = (err) => this.options.log(`stdio: ${err.message}`);
    await this.up.start();
    await this.down.start();
    await closed;
  }

  private toGateway(message: Message): void {
    if (message.method === 'initialize' && message.id !== undefined) this.pendingInitialize.add(message.id);
    this.up.send(message).catch((err: Error) => {
      this.options.log(`could not reach the gateway at ${this.options.url.href}: ${err.message}`);
      if (message.id !== undefined && message.method) {
        void this.down.send({ jsonrpc: '2.0', id: message.id, error: { code: -32603, message: `PiMCP gateway unreachable: ${err.message}` } } as JSONRPCMessage);
      }
    });
  }

  private toClient(message: Message): void {
    // 2025-era HTTP needs the negotiated version on every later request; the transport learns it here.
    if (message.id !== undefined && this.pendingInitialize.delete(message.id) && message.result?.protocolVersion) {
      this.up.setProtocolVersion(message.result.protocolVersion);
    }
    void this.down.send(message);
  }

  private async closeUpstream(): Promise<void> {
    await this.up.terminateSession().catch(() => undefined);
    await this.up.close().catch(() => undefined);
  }
}
