export * from './lib/config/mcp-bridge.config';
export * from './lib/connection/bridged-server';
export * from './lib/mcp-bridge.plugin';
