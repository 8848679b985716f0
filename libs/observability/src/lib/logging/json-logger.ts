import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LoggerService } from '@nestjs/common';
import { Logger as NestPinoLogger, type Params, PinoLogger } from 'nestjs-pino';
import { pinoHttp } from 'pino-http';
import type { LoggingConfig } from './logging.config';

/** Headers whose values are credentials: never written to a log. */
const REDACTED = ['req.headers.authorization', 'req.headers.cookie', 'req.headers["proxy-authorization"]', 'res.headers["set-cookie"]'];
/** A request id a caller (or a proxy) may set, if it is short and plain; anything else gets a fresh one. */
const REQUEST_ID = /^[\w.:-]{1,128}$/;
/** Probes and scrapes every few seconds would drown the log. */
const QUIET_PATHS = /^\/(health\/(live|ready)|metrics)$/;

/** pino and pino-http settings for one app: JSON lines with its name, redacted credentials, a request id per request. */
export function jsonLoggingParams(app: string, config: LoggingConfig): Params {
  return {
    pinoHttp: {
      level: config.logLevel,
      base: { app, pid: process.pid },
      redact: { paths: REDACTED, censor: '[redacted]' },
      genReqId: (request: IncomingMessage, response: ServerResponse) => {
        const given = request.headers['x-request-id'];
        const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
        response.setHeader('x-request-id', id);
        return id;
      },
      autoLogging: { ignore: (request: IncomingMessage) => QUIET_PATHS.test((request.url ?? '').split('?')[0] ?? '') },
      customLogLevel: (_request: IncomingMessage, response: ServerResponse, error?: Error) =>
        error || response.statusCode >= 500 ? 'error' : response.statusCode >= 400 ? 'warn' : 'info',
      // Query strings may carry what a client should not have put there (tokens); paths are enough to debug.
      serializers: { req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, path: req.url.split('?')[0] }) },
    },
  };
}

/** Nest's LoggerService over pino, for Logger.overrideLogger: every `new Logger(context)` then writes JSON lines. */
export function createJsonLogger(params: Params): LoggerService {
  return new NestPinoLogger(new PinoLogger(params), params);
}

/** The request-logging middleware (request id, method, path, status, duration) for Express apps. */
export function requestLogger(params: Params) {
  return pinoHttp(params.pinoHttp as Parameters<typeof pinoHttp>[0]);
}
