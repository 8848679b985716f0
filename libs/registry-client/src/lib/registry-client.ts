import { Logger } from '@nestjs/common';
import { ClientTCP } from '@nestjs/microservices';
import {
  ErrorCode, type HeartbeatReply, type JoinReply, type NodeManifest, PimcpError, RegistryPatterns,
} from '@pimcp/protocol';
import { firstValueFrom, timeout } from 'rxjs';
import type { ConnectionOptions } from 'node:tls';

export interface RegistryClientOptions {
  host: string;
  port: number;
  /** Per-request deadline; a registry that does not answer in time is REGISTRY_UNAVAILABLE. */
  requestTimeoutMs?: number;
  tls?: ConnectionOptions;
}

/** A node's link to the registry over @nestjs/microservices TCP. */
export class RegistryClient {
  private readonly logger = new Logger(RegistryClient.name);
  private readonly client: ClientTCP;
  private readonly requestTimeoutMs: number;

  constructor(private readonly options: RegistryClientOptions) {
    this.requestTimeoutMs = options.requestTimeoutMs ?? 5000;
    this.client = new ClientTCP({ host: options.host, port: options.port, ...(options.tls ? { tlsOptions: options.tls } : {}) });
  }

  join(manifest: NodeManifest | Record<string, unknown>): Promise<JoinReply> {
    return this.send<JoinReply>(RegistryPatterns.join, manifest);
  }

  heartbeat(nodeId: string): Promise<HeartbeatReply> {
    return this.send<HeartbeatReply>(RegistryPatterns.heartbeat, { nodeId });
  }

  leave(nodeId: string): Promise<void> {
    return this.send<void>(RegistryPatterns.leave, { nodeId });
  }

  close(): void {
    this.client.close();
  }

  private async send<T>(pattern: string, payload: unknown): Promise<T> {
    try {
      return await firstValueFrom(this.client.send<T>(pattern, payload).pipe(timeout(this.requestTimeoutMs)), {
        defaultValue: undefined as T,
      });
    } catch (err) {
      throw this.toPimcpError(err);
    }
  }

  private toPimcpError(err: unknown): PimcpError {
    if (err instanceof PimcpError) return err;
    const where = `${this.options.host}:${this.options.port}`;
    const e = err as { name?: string; code?: string; message?: string };
    if (e?.name === 'TimeoutError') {
      return new PimcpError(ErrorCode.RegistryUnavailable, `registry at ${where} did not answer within ${this.requestTimeoutMs} ms`);
    }
    if (typeof e?.code === 'string' && /^E[A-Z]+/.test(e.code)) {
      this.logger.debug(`registry link error ${e.code}`);
      return new PimcpError(ErrorCode.RegistryUnavailable, `registry at ${where} is unreachable (${e.code}); check PIMCP_REGISTRY_URL`);
    }
    if (e?.message === 'Connection closed') {
      // What a refused TLS handshake looks like from here: the registry hung up before answering.
      return new PimcpError(ErrorCode.RegistryUnavailable, `registry at ${where} closed the connection before answering; with mTLS check PIMCP_TLS_CA_FILE, PIMCP_TLS_CERT_FILE and PIMCP_TLS_KEY_FILE on both sides (same CA)`);
    }
    return PimcpError.fromBody(err);
  }
}
