import { ContextStoreErrorCode, ContextStoreException } from '../errors/context-store.exception';

/** The errors of a failed compare-and-set, built in one place so both adapters say the same thing. */
export const revisionConflict = {
  key: (contextId: string, key: string, expected: number, actual: number) =>
    new ContextStoreException(ContextStoreErrorCode.RevisionConflict,
      `revision conflict on key "${key}" of context "${contextId}": expected revision ${expected}`
      + `${expected === 0 ? ' (absent)' : ''}, but it is at ${actual}${actual === 0 ? ' (absent)' : ''}; `
      + 'read the key again and retry with its current revision'),
  context: (contextId: string, expected: number, actual: number) =>
    new ContextStoreException(ContextStoreErrorCode.RevisionConflict,
      `revision conflict on context "${contextId}": expected context revision ${expected}, but it is at ${actual}; `
      + 'read the context again and retry with its current revision'),
} as const;
