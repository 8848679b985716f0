import { Client, StreamableHTTPClientTransport, type Tool } from '@modelcontextprotocol/client';
import { CliError } from './cli-error';
import { type GatewayOptions, resolveGatewayUrl, resolveToken } from './endpoints';
import { gatewayError } from './gateway-errors';

export interface GatewaySession {
  client: Client;
  url: URL;
  close(): Promise<void>;
}

/** The 2026-07-28 era has subscriptions/listen, which says when a subscription is live (used by `ctx watch`). */
export type Era = 'negotiated' | 'modern';

/** Opens an MCP session with the gateway through the official client; failures come back as CliErrors. */
export async function openGatewaySession(options: GatewayOptions, era: Era = 'negotiated'): Promise<GatewaySession> {
  const url = resolveGatewayUrl(options);
  const token = resolveToken(options);
  const client = new Client(
    { name: 'pimcp-cli', version: '1' },
    era === 'modern' ? ({ versionNegotiation: { mode: { pin: '2026-07-28' } } } as never) : undefined,
  );
  try {
    await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  } catch (error) {
    await client.close().catch(() => undefined);
    throw gatewayError(url, error);
  }
  return { client, url, close: () => client.close().catch(() => undefined) };
}

/** Runs work on a session and closes it; errors are mapped for the gateway at hand. */
export async function withGateway<T>(options: GatewayOptions, work: (session: GatewaySession) => Promise<T>, era: Era = 'negotiated'): Promise<T> {
  const session = await openGatewaySession(options, era);
  try {
    return await work(session);
  } catch (error) {
    throw gatewayError(session.url, error);
  } finally {
    await session.close();
  }
}

export async function findTool(session: GatewaySession, name: string): Promise<Tool> {
  const { tools } = await session.client.listTools();
  const tool = tools.find((t) => t.name === name);
  if (!tool) throw CliError.failure(`the gateway offers no tool named "${name}"; \`pimcp tools list\` shows the tools it has`);
  return tool;
}
