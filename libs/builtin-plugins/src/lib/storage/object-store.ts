import { ToolError } from '@pimcp/plugin-sdk';

/** One object's bytes, read whole (stores refuse objects over the limit before and while reading). */
export interface StoredObject {
  readonly data: Buffer;
  readonly lastModified?: string;
  readonly etag?: string;
}

export interface ObjectListing {
  readonly objects: ReadonlyArray<{ readonly key: string; readonly size: number; readonly lastModified?: string }>;
  /** More keys after the last one returned; ask again with it as startAfter. */
  readonly truncated: boolean;
}

export interface ListRequest {
  readonly prefix: string;
  readonly startAfter: string;
  readonly maxKeys: number;
}

/**
 * The port every store kind implements. Keys reaching it were checked with objectKeyRefusal; a store
 * throws ToolError for what the caller can fix (no such object, over the size limit, ...) and honours
 * `signal` (cancel, deadline, shutdown).
 */
export interface ObjectStore {
  /** Refuses (ToolError) an object larger than `maxBytes`, reading at most `maxBytes + 1` bytes of it. */
  get(key: string, maxBytes: number, signal: AbortSignal): Promise<StoredObject>;
  put(key: string, data: Buffer, signal: AbortSignal): Promise<{ readonly etag?: string }>;
  /** Keys in ascending byte order, as S3 lists them. */
  list(request: ListRequest, signal: AbortSignal): Promise<ObjectListing>;
  /** `existed` is undefined where the store cannot tell (S3 deletes are idempotent). */
  delete(key: string, signal: AbortSignal): Promise<{ readonly existed?: boolean }>;
  close(): void;
}

/** The refusal of an object over a store's limit; `size` when the store knew it before reading. */
export function objectTooLarge(store: string, key: string, maxBytes: number, size?: number): ToolError {
  const actual = size === undefined ? 'is larger than' : `is ${size} bytes, more than`;
  return new ToolError(`object "${key}" ${actual} the ${maxBytes} bytes store "${store}" returns per call; it was not read past the limit`);
}
