/** Injection tokens of the edge-node module. */
export const TOOL_INVOKER = Symbol('TOOL_INVOKER');
export const LINK_CONNECTIONS = Symbol('LINK_CONNECTIONS');
