import { Logger } from '@nestjs/common';
import type { Params } from 'nestjs-pino';
import type { RequestHandler } from 'express';
import { loggingConfig } from './logging.config';
import { nestLogLevels } from './nest-log-levels';
import { PlainTimestampConsoleLogger } from './plain-timestamp-console-logger';

/**
 * Called first thing by each app's main: PIMCP_LOG_FORMAT=json sends every Nest logger of the process through
 * pino as JSON lines; text keeps Nest's console format (timestamps without ICU) at PIMCP_LOG_LEVEL. Returns the pino params (for request
 * logging) when JSON was chosen.
 */
export function configureProcessLogging(app: string, env: NodeJS.ProcessEnv = process.env): Params | undefined {
  // Environment variables only: the app's PIMCP_CONFIG file belongs to the app's own settings.
  const config = loggingConfig.load({ env, yamlFile: false });
  if (config.logFormat === 'json') {
    // pino, pino-http and nestjs-pino load only for JSON logs: a process logging text does not carry them.
    const { createJsonLogger, jsonLoggingParams, requestLogger } = require('./json-logger') as typeof import('./json-logger');
    const params = jsonLoggingParams(app, config);
    Logger.overrideLogger(createJsonLogger(params));
    httpLogger = requestLogger(params) as unknown as RequestHandler;
    return params;
  }
  Logger.overrideLogger(new PlainTimestampConsoleLogger({ logLevels: nestLogLevels(config.logLevel) }));
  httpLogger = undefined;
  return undefined;
}

/** Logging is a process-wide choice (as Nest's static Logger is): the request logger it implies, if any. */
let httpLogger: RequestHandler | undefined;

/**
 * The request-logging middleware of the process (JSON format only): HTTP apps mount it ahead of their routes so
 * every request gets an id (the caller's `x-request-id` or a new one, echoed back) and one log line.
 */
export function processRequestLogger(): RequestHandler | undefined {
  return httpLogger;
}
