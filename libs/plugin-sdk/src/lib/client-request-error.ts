/** The calling MCP client (or the gateway on its behalf) refused a request a tool made of it; `code` is JSON-RPC's. */
export class ClientRequestError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
    this.name = 'ClientRequestError';
  }
}
