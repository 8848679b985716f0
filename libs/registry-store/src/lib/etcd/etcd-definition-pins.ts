/** Definition pinning on etcd (ADR 0015): the writes a join makes to pins, and an operator's review, as transactions. */
import { type CapabilityRecord, type NodeRecord } from '@pimcp/protocol';
import type { Etcd3, IKeyValue } from 'etcd3';
import { approvalConflict, approvalIsContested, approvedCapability } from '../pinning/approved-capability';
import type {
  DefinitionPinRecord, PinningEvent, PinningEventBatch, PinReview, PinReviewResult, TrustedNodeRecord,
} from '../pinning/definition-pin.types';
import type { JoinPinPlan } from '../pinning/join-pin.planner';
import { pinEventId } from '../pinning/pin-event-id';
import { planPinReview } from '../pinning/pin-review.planner';
import { registryKeys } from '../registry-keys';
import {
  jsonOf, modRevisionIs, putOp, putRequest, rangeOp, rangeRequest, type CallOptions,
} from './etcd-ops';

/** The node's pin records read by a join, by capability name, with their mod revisions for the join's guards. */
export type NodePins = Map<string, { record: DefinitionPinRecord; kv: IKeyValue }>;

export function nodePinsOf(kvs: IKeyValue[]): NodePins {
  const pins: NodePins = new Map();
  for (const kv of kvs) {
    const record = jsonOf<DefinitionPinRecord>(kv);
    if (record) pins.set(record.name, { record, kv });
  }
  return pins;
}

/**
 * Writes a join's pin changes in their own transaction, before the registration's: both together can pass etcd's
 * --max-txn-ops. Guarded per key, so a concurrent review or join makes the caller re-read and plan again.
 * Returns the pins' new mod revisions, or undefined when the guard failed.
 */
export async function writeJoinPins(
  client: Etcd3, call: CallOptions, nodeId: string, plan: JoinPinPlan, pins: NodePins, now: Date,
): Promise<Map<string, string> | undefined> {
  const revisions = new Map([...pins].map(([name, { kv }]) => [name, kv.mod_revision]));
  if (plan.writes.length === 0 && plan.events.length === 0) return revisions;
  const txn = await client.kv.txn({
    compare: plan.writes.map((r) => modRevisionIs(registryKeys.pin(nodeId, r.name), pins.get(r.name)?.kv.mod_revision ?? 0)),
    success: [
      ...plan.writes.map((r) => putOp(registryKeys.pin(nodeId, r.name), r)),
      ...eventOps(plan.events, now),
    ],
    failure: [],
  }, call);
  if (!txn.succeeded) return undefined;
  for (const r of plan.writes) revisions.set(r.name, txn.header.revision);
  return revisions;
}

/** One review attempt; undefined when a concurrent write got in the way (the caller retries). */
export async function reviewPinOnce(
  client: Etcd3, call: CallOptions, review: PinReview, now: Date,
  liveCapabilities: (revision: number) => Promise<CapabilityRecord[]>,
): Promise<PinReviewResult | undefined> {
  const pinKey = registryKeys.pin(review.nodeId, review.name);
  const nodeKey = registryKeys.node(review.nodeId);
  const read = await client.kv.txn({ compare: [], success: [rangeOp(pinKey), rangeOp(nodeKey)], failure: [] }, call);
  const [pinKv, nodeKv] = read.responses.map((r) => r.response_range.kvs?.[0]);
  const plan = planPinReview(review, jsonOf<DefinitionPinRecord>(pinKv), now);
  const compare = [modRevisionIs(pinKey, pinKv?.mod_revision ?? 0), modRevisionIs(nodeKey, nodeKv?.mod_revision ?? 0)];
  const success = [putOp(pinKey, plan.record), ...eventOps([plan.event], now)];
  const node = jsonOf<NodeRecord>(nodeKv);
  // A live node offering the capability serves the approved definition at once, under its lease.
  if (review.approve && plan.record.pinned && nodeKv && nodeKv.lease !== '0' && node?.capabilityNames.includes(review.name)) {
    const approved = approvedCapability(review.nodeId, plan.record.pinned.definition);
    const claimKv = (await client.kv.range(rangeRequest(approved.claim.claimKey), call)).kvs[0];
    if (approvalIsContested(approved, jsonOf<string>(claimKv))) {
      const conflict = approvalConflict(approved, await liveCapabilities(Number(read.header.revision)));
      if (conflict) throw conflict;
    }
    compare.push(modRevisionIs(approved.claim.claimKey, claimKv?.mod_revision ?? 0));
    success.push(
      putOp(registryKeys.capability(review.nodeId, review.name), approved.record, nodeKv.lease),
      putOp(approved.claim.claimKey, approved.claim.digest),
    );
  }
  const txn = await client.kv.txn({ compare, success, failure: [] }, call);
  if (!txn.succeeded) return undefined;
  return { record: plan.record, event: plan.event, revision: Number(txn.header.revision) };
}

export async function listPins(client: Etcd3, call: CallOptions, nodeId?: string): Promise<DefinitionPinRecord[]> {
  const prefix = nodeId === undefined ? registryKeys.pinsPrefix() : registryKeys.nodePinsPrefix(nodeId);
  return valuesOf<DefinitionPinRecord>((await client.kv.range(rangeRequest(prefix, { prefix: true }), call)).kvs);
}

export async function setNodeTrusted(client: Etcd3, call: CallOptions, nodeId: string, trusted: boolean, now: Date): Promise<number> {
  const key = registryKeys.trusted(nodeId);
  if (!trusted) return Number((await client.kv.deleteRange({ key: Buffer.from(key) }, call)).header.revision);
  const record: TrustedNodeRecord = { nodeId, at: now.toISOString() };
  return Number((await client.kv.put(putRequest(key, record), call)).header.revision);
}

export async function listTrustedNodes(client: Etcd3, call: CallOptions): Promise<TrustedNodeRecord[]> {
  return valuesOf<TrustedNodeRecord>((await client.kv.range(rangeRequest(registryKeys.trustedPrefix(), { prefix: true }), call)).kvs);
}

export async function listPinningEvents(client: Etcd3, call: CallOptions, limit: number): Promise<PinningEvent[]> {
  // The leader trims the list, so reading it whole stays small; etcd returns keys in order, and ids sort by time.
  const batches = valuesOf<PinningEventBatch>((await client.kv.range(rangeRequest(registryKeys.pinEventsPrefix(), { prefix: true }), call)).kvs);
  const events = batches.flatMap((b) => b.events ?? []);
  return events.slice(Math.max(0, events.length - limit));
}

export async function trimPinningEvents(client: Etcd3, call: CallOptions, keep: number): Promise<number> {
  const keys = (await client.kv.range(rangeRequest(registryKeys.pinEventsPrefix(), { prefix: true, keysOnly: true }), call)).kvs;
  const doomed = keys.length - keep;
  const firstKept = keys[doomed];
  if (doomed <= 0 || !firstKept) return 0;
  // One range delete from the oldest key up to (not including) the first one kept.
  await client.kv.deleteRange({ key: Buffer.from(registryKeys.pinEventsPrefix()), range_end: firstKept.key }, call);
  return doomed;
}

export function eventOps(events: PinningEvent[], now: Date) {
  if (events.length === 0) return [];
  const batch: PinningEventBatch = { events };
  return [putOp(registryKeys.pinEvents(pinEventId(now)), batch)];
}

function valuesOf<T>(kvs: IKeyValue[]): T[] {
  return kvs.map((kv) => jsonOf<T>(kv)).filter((v): v is T => v !== undefined);
}
