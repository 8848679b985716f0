/** Injection tokens of the registry module. */
export const REGISTRY_CONFIG = Symbol('REGISTRY_CONFIG');
export const REGISTRY_STORE = Symbol('REGISTRY_STORE');
export const LEADER_ELECTOR = Symbol('LEADER_ELECTOR');
export const REGISTRY_METRICS = Symbol('REGISTRY_METRICS');
export const ADMIN_AUTH = Symbol('ADMIN_AUTH');
