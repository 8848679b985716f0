import type { AddressInfo } from 'node:net';
import type { INestApplication, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError } from '@pimcp/config';
import { type ContextStore, createContextMaintenance } from '@pimcp/context-store';
import { urlHost } from '@pimcp/protocol';
import { etcdSecurityOf, redisTlsOf, serviceTlsOf } from '@pimcp/tls/runtime';
import type { Server as TlsServer } from 'node:tls';
import { createLeaderElector } from '@pimcp/registry-store';
import { type ContextSyncConfig, replicaIdOf } from './config/context-sync.config';
import { ContextSyncServerModule } from './context-sync-server.module';
import { ContextJanitor } from './leadership/context-janitor';
import { ContextSyncLeadership } from './leadership/context-sync-leadership';
import { contextSyncObservability } from './observability/context-sync-observability';
import { processRequestLogger } from '@pimcp/observability';

export interface ContextSyncOptions {
  config: ContextSyncConfig;
  /** The all-in-one's in-memory context store, when there is no Redis. */
  store?: ContextStore;
  logger?: LoggerService | false;
}

export interface RunningContextSync {
  app: INestApplication;
  httpUrl: string;
  janitor: ContextJanitor;
  leadership: ContextSyncLeadership;
  close(): Promise<void>;
}

/** Starts context-sync: leader election among replicas, the leader's janitor, and the stats/health API. */
export async function bootstrapContextSync(options: ContextSyncOptions): Promise<RunningContextSync> {
  const { config } = options;
  const tls = serviceTlsOf(config);
  if (!config.redisUrl && !options.store) {
    throw new ConfigError(['PIMCP_REDIS_URL is required: context-sync looks after the shared contexts in Redis (the all-in-one `pimcp up` runs it on its in-memory store)']);
  }
  const redisTls = redisTlsOf(config);
  const maintenance = createContextMaintenance(config.redisUrl
    ? { redisUrl: config.redisUrl, ...(redisTls ? { redis: { tls: redisTls } } : {}) }
    : { store: options.store as ContextStore });
  const janitor = new ContextJanitor(maintenance, { intervalMs: config.sweepIntervalMs, retainChanges: config.retainChanges });
  const elector = createLeaderElector({ etcdHosts: [...config.etcdHosts], etcd: etcdSecurityOf(config), service: 'context-sync', ttlSeconds: config.electionTtlSeconds });
  const leadership = new ContextSyncLeadership(elector, janitor, replicaIdOf(config));
  const observability = contextSyncObservability(config, maintenance, janitor, () => leadership.isLeader);
  const app = await NestFactory.create(ContextSyncServerModule.forRoot({ maintenance, janitor, leadership, observability }), {
    // Without one, Nest keeps the process's logger (configureProcessLogging: text or JSON).
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
    // HTTPS with the service certificate; no client certificate is asked, so health probes can still reach it.
    ...(tls ? { httpsOptions: tls.serverOptions(false) } : {}),
  });
  const requestLogger = processRequestLogger();
  if (requestLogger) app.use(requestLogger);
  await app.listen(config.httpPort, config.httpHost);
  if (tls) tls.attach(app.getHttpServer() as unknown as TlsServer);
  await leadership.start();
  const port = (app.getHttpServer().address() as AddressInfo).port;
  return {
    app,
    httpUrl: `${tls ? 'https' : 'http'}://${urlHost(config.httpHost)}:${port}`,
    janitor,
    leadership,
    close: async () => {
      await leadership.stop();
      await app.close();
      await observability.close();
      await maintenance.close();
      tls?.close();
    },
  };
}
