/** @nestjs/microservices message patterns a node uses to talk to the registry. */
export const RegistryPatterns = {
  join: 'registry.join',
  heartbeat: 'registry.heartbeat',
  leave: 'registry.leave',
} as const;

export interface JoinReply {
  nodeId: string;
  leaseId: string;
  ttlSeconds: number;
  /** How often the node should heartbeat: a third of the TTL, so two misses are survivable. */
  heartbeatIntervalMs: number;
  revision: number;
}

export interface HeartbeatRequest {
  nodeId: string;
}

export interface HeartbeatReply {
  nodeId: string;
  /** True once an operator drained the node: it should finish in-flight work and leave. */
  draining: boolean;
}

export interface LeaveRequest {
  nodeId: string;
}
