/** Injection tokens of the edge-node module. */
export const LINK_HANDLERS = Symbol('LINK_HANDLERS');
export const LINK_CONNECTIONS = Symbol('LINK_CONNECTIONS');
