import { type INestApplication, type LoggerService, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type MicroserviceOptions, Transport } from '@nestjs/microservices';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AddressInfo } from 'node:net';
import type { Server as TlsServer } from 'node:tls';
import { processRequestLogger } from '@pimcp/observability';
import { urlHost } from '@pimcp/protocol';
import { serviceTlsOf } from '@pimcp/tls';
import { invalidRequest } from './errors/invalid-request';
import { PimcpHttpExceptionFilter } from './errors/pimcp-http-exception.filter';
import { RegistryServerModule, type RegistryServerOptions } from './registry-server.module';

export interface RunningRegistry {
  app: INestApplication;
  httpUrl: string;
  link: { host: string; port: number };
  close(): Promise<void>;
}

/** Starts the registry: admin HTTP API plus the TCP node link, in one Nest app. */
export async function bootstrapRegistry(
  options: RegistryServerOptions & { logger?: LoggerService | false },
): Promise<RunningRegistry> {
  const { config } = options;
  // With PIMCP_TLS_* set the node link is mTLS (nodes present certificates from the cluster CA) and the admin API is HTTPS.
  const tls = serviceTlsOf(config);
  const app = await NestFactory.create<NestExpressApplication>(RegistryServerModule.forRoot(options), {
    // Without one, Nest keeps the process's logger (configureProcessLogging: text or JSON).
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
    bodyParser: false,
    ...(tls ? { httpsOptions: tls.serverOptions(false) } : {}),
  });
  const requestLogger = processRequestLogger();
  if (requestLogger) app.use(requestLogger);
  app.useGlobalFilters(new PimcpHttpExceptionFilter());
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, exceptionFactory: invalidRequest }));
  // Admin requests are small; a bounded body parser refuses anything else with 413.
  app.useBodyParser('json', { limit: '64kb' });
  const microservice = app.connectMicroservice<MicroserviceOptions>({
    transport: Transport.TCP,
    options: { host: config.linkHost, port: config.linkPort, ...(tls ? { tlsOptions: tls.serverOptions(true) } : {}) },
  });
  await app.startAllMicroservices();
  await app.listen(config.httpPort, config.httpHost);
  const httpAddress = app.getHttpServer().address() as AddressInfo;
  const linkServer = microservice.unwrap<TlsServer>();
  if (tls) {
    tls.attach(linkServer);
    tls.attach(app.getHttpServer() as unknown as TlsServer);
  }
  return {
    app,
    httpUrl: `${tls ? 'https' : 'http'}://${urlHost(config.httpHost)}:${httpAddress.port}`,
    link: { host: config.linkHost, port: (linkServer.address() as AddressInfo).port },
    close: async () => {
      tls?.close();
      await app.close();
    },
  };
}
