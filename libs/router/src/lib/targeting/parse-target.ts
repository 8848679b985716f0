/** A caller's explicit target for one call: `_meta['io.pimcp/target']`. */
import { ErrorCode, manifestLimits, NODE_ID_PATTERN, PimcpError } from '@pimcp/protocol';
import type { TargetConstraint } from '../router.types';
import { LabelSelector } from '../selectors/label-selector';

export const TARGET_META_KEY = 'io.pimcp/target';
const PATH = `_meta.${TARGET_META_KEY}`;

/** Reads the target from a request's `_meta`; undefined when the caller set none. */
export function parseTargetMeta(meta: Readonly<Record<string, unknown>> | undefined): TargetConstraint | undefined {
  if (!meta || !Object.hasOwn(meta, TARGET_META_KEY)) return undefined;
  const value = meta[TARGET_META_KEY];
  return value === undefined || value === null ? undefined : parseTarget(value);
}

/**
 * A target is a node id (`"pi-1"`), a label selector (`"region=tokyo,gpu=true"`), or the explicit forms
 * `{ "nodeId": "pi-1" }` and `{ "selector": "gpu" }`. A bare word reads as a node id (node ids are DNS labels),
 * so "has label gpu" needs the object form. Throws INVALID_REQUEST naming the `_meta` key.
 */
export function parseTarget(value: unknown): TargetConstraint {
  if (typeof value === 'string') {
    const text = value.trim();
    if (isNodeId(text)) return { kind: 'node', nodeId: text };
    return { kind: 'selector', selector: selectorOrThrow(text) };
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const fields = Object.keys(value);
    const v = value as Record<string, unknown>;
    if (fields.length === 1 && typeof v['nodeId'] === 'string') {
      if (!isNodeId(v['nodeId'])) throw invalid(`${PATH}.nodeId`, `"${v['nodeId'].slice(0, 100)}" is not a node id such as "pi-1"`);
      return { kind: 'node', nodeId: v['nodeId'] };
    }
    if (fields.length === 1 && typeof v['selector'] === 'string') return { kind: 'selector', selector: selectorOrThrow(v['selector'], `${PATH}.selector`) };
  }
  throw invalid(PATH, 'must be a node id ("pi-1"), a label selector ("region=tokyo,gpu=true"), {"nodeId": "..."} or {"selector": "..."}');
}

/** How a target reads in messages. */
export function describeTarget(target: TargetConstraint): string {
  return target.kind === 'node' ? `node ${target.nodeId}` : target.selector.toString();
}

function isNodeId(text: string): boolean {
  return text.length <= manifestLimits.nodeIdMaxLength && NODE_ID_PATTERN.test(text);
}

function selectorOrThrow(text: string, path = PATH): LabelSelector {
  const parsed = LabelSelector.tryParse(text);
  if (!parsed.ok) throw invalid(path, parsed.message);
  return parsed.selector;
}

function invalid(path: string, message: string): PimcpError {
  return new PimcpError(ErrorCode.InvalidRequest, `${path} ${message}`, [{ path, message }]);
}
