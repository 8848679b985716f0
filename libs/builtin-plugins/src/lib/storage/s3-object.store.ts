import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, S3ServiceException,
} from '@aws-sdk/client-s3';
import { ToolError } from '@pimcp/plugin-sdk';
import { clip } from '../common/utf8-boundary';
import { collectAtMost } from './bounded-read';
import { type ListRequest, type ObjectListing, type ObjectStore, objectTooLarge, type StoredObject } from './object-store';
import type { S3StoreEntry } from './storage.config';

const CREDENTIAL_ERRORS = new Set(['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'InvalidToken']);

/**
 * Objects in one S3-compatible bucket, through the AWS SDK v3. Credentials come from the environment
 * variables the config names, read once here; they go to the SDK's signer only and never into a message.
 */
export class S3ObjectStore implements ObjectStore {
  private readonly client: S3Client;

  constructor(private readonly store: S3StoreEntry) {
    this.client = new S3Client({
      region: store.region,
      endpoint: store.endpoint,
      forcePathStyle: store.forcePathStyle,
      credentials: credentialsOf(store),
      // No AWS_ENDPOINT_URL or shared-config endpoint may redirect a store the operator pinned.
      ignoreConfiguredEndpointUrls: true,
      // Many S3-compatible servers reject the SDK's newer default checksum headers and trailers.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 3,
    });
  }

  async get(key: string, maxBytes: number, signal: AbortSignal): Promise<StoredObject> {
    const response = await this.send(key, () => this.client.send(new GetObjectCommand({ Bucket: this.store.bucket, Key: key }), { abortSignal: signal }));
    const body = response.Body as Readable | undefined;
    if (response.ContentLength !== undefined && response.ContentLength > maxBytes) {
      body?.destroy();
      throw objectTooLarge(this.store.name, key, maxBytes, response.ContentLength);
    }
    const data = body ? await collectAtMost(body, maxBytes, signal) : Buffer.alloc(0);
    if (!data) throw objectTooLarge(this.store.name, key, maxBytes);
    return { data, lastModified: response.LastModified?.toISOString(), etag: response.ETag };
  }

  async put(key: string, data: Buffer, signal: AbortSignal): Promise<{ etag?: string }> {
    const command = new PutObjectCommand({ Bucket: this.store.bucket, Key: key, Body: data, ContentLength: data.length });
    const response = await this.send(key, () => this.client.send(command, { abortSignal: signal }));
    return { etag: response.ETag };
  }

  async list(request: ListRequest, signal: AbortSignal): Promise<ObjectListing> {
    const command = new ListObjectsV2Command({
      Bucket: this.store.bucket, MaxKeys: request.maxKeys, Prefix: request.prefix || undefined, StartAfter: request.startAfter || undefined,
    });
    const response = await this.send(undefined, () => this.client.send(command, { abortSignal: signal }));
    const objects = (response.Contents ?? []).map((object) => ({ key: object.Key ?? '', size: object.Size ?? 0, lastModified: object.LastModified?.toISOString() }));
    return { objects, truncated: response.IsTruncated === true };
  }

  async delete(key: string, signal: AbortSignal): Promise<{ existed?: boolean }> {
    await this.send(key, () => this.client.send(new DeleteObjectCommand({ Bucket: this.store.bucket, Key: key }), { abortSignal: signal }));
    return {};
  }

  close(): void {
    this.client.destroy();
  }

  /** Runs one SDK call, turning the bucket's answers into tool errors that say what to change. */
  private async send<T>(key: string | undefined, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      throw this.explain(key, err);
    }
  }

  private explain(key: string | undefined, err: unknown): unknown {
    const name = this.store.name;
    if (!(err instanceof S3ServiceException)) {
      const code = networkErrorCode(err);
      // Aborts (cancel, deadline) and other local errors go to the tool, which knows why it aborted.
      return code ? new ToolError(`store "${name}" could not be reached (${code}); try again later`) : err;
    }
    if (err.name === 'NoSuchKey' || (key !== undefined && err.$metadata.httpStatusCode === 404 && err.name !== 'NoSuchBucket')) {
      return new ToolError(`no object "${key}" in store "${name}"`);
    }
    if (err.name === 'NoSuchBucket') return new ToolError(`the bucket of store "${name}" does not exist; the node operator must create it or fix storage stores.${name}.bucket`);
    if (CREDENTIAL_ERRORS.has(err.name) || err.$metadata.httpStatusCode === 403) {
      return new ToolError(`store "${name}" refused the node's credentials (${err.name}); the node operator must fix the credentials or the bucket policy`);
    }
    return new ToolError(`store "${name}" answered ${err.name} (HTTP ${err.$metadata.httpStatusCode ?? '?'}): ${clip(err.message, 300)}`);
  }
}

function credentialsOf(store: S3StoreEntry): { accessKeyId: string; secretAccessKey: string; sessionToken?: string } {
  const read = (variable: string): string => {
    const value = process.env[variable];
    if (!value) throw new Error(`storage store "${store.name}": environment variable ${variable} is not set`);
    return value;
  };
  const { accessKeyId, secretAccessKey, sessionToken } = store.credentialsEnv;
  return { accessKeyId: read(accessKeyId), secretAccessKey: read(secretAccessKey), ...(sessionToken ? { sessionToken: read(sessionToken) } : {}) };
}

/**
 * ECONNREFUSED, ENOTFOUND, ...: from the error's code, or from its message when the SDK wrapped an error
 * it did not recognise as an Error (it then keeps only the message).
 */
function networkErrorCode(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException).code;
  if (typeof code === 'string') return /^E[A-Z_]+$/.test(code) ? code : undefined;
  return /\b(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE)\b/.exec(String((err as Error)?.message))?.[1];
}
