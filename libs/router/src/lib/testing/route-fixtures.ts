/** Nodes and capabilities for unit specs (not exported from the lib). */
import type { CostClass } from '@pimcp/protocol';
import type { RoutableNode, RoutedCapability } from '../router.types';

export interface TestNode extends RoutableNode {
  readonly linkAddress: string;
}

export function testNode(nodeId: string, labels: Record<string, string> = {}, extra: Partial<TestNode> = {}): TestNode {
  return { nodeId, labels, draining: false, linkAddress: `tcp://${nodeId}.test:7600`, ...extra };
}

export function testCapability(name: string, costClass: CostClass = 'standard', extra: Partial<RoutedCapability> = {}): RoutedCapability {
  return { name, costClass, ...extra };
}

export const readOnly = { annotations: { readOnlyHint: true } } as const;
export const idempotent = { annotations: { idempotentHint: true } } as const;
