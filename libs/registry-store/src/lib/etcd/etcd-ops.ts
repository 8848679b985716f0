/** Small builders for etcd requests, shared by the registry store's files. */
import {
  CompareResult, CompareTarget, Range, type ICompare, type IKeyValue, type IPutRequest, type IRangeRequest, type IRequestOp,
} from 'etcd3';
import { parseJson } from '../shared/registry-entry.codec';

/** The gRPC call options the store sets (a subset of grpc-js CallOptions). */
export type CallOptions = { deadline: number };

export function jsonOf<T>(kv: IKeyValue | undefined): T | undefined {
  return kv === undefined ? undefined : (parseJson(kv.value.toString()) as T | undefined);
}

export type RangeOptions = { prefix?: boolean; keysOnly?: boolean; revision?: number };

export function rangeRequest(key: string, options: RangeOptions = {}): IRangeRequest {
  return {
    key: Buffer.from(key),
    ...(options.prefix ? { range_end: Range.prefix(key).end } : {}),
    ...(options.keysOnly ? { keys_only: true } : {}),
    ...(options.revision ? { revision: options.revision } : {}),
  };
}

export function rangeOp(key: string, options: RangeOptions = {}): IRequestOp {
  return { request_range: rangeRequest(key, options) };
}

export function putRequest(key: string, value: unknown, leaseId?: string): IPutRequest {
  return { key: Buffer.from(key), value: Buffer.from(JSON.stringify(value)), ...(leaseId !== undefined ? { lease: leaseId } : {}) };
}

export function putOp(key: string, value: unknown, leaseId?: string): IRequestOp {
  return { request_put: putRequest(key, value, leaseId) };
}

export function deleteOp(key: string, options: { prefix?: boolean } = {}): IRequestOp {
  return { request_delete_range: { key: Buffer.from(key), ...(options.prefix ? { range_end: Range.prefix(key).end } : {}) } };
}

/** Mod revision 0 matches an absent key: etcd compares missing keys as all-zero. */
export function modRevisionIs(key: string, modRevision: string | number): ICompare {
  return { key: Buffer.from(key), target: CompareTarget.Mod, result: CompareResult.Equal, mod_revision: modRevision };
}
