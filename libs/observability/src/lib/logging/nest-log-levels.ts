import type { LogLevel } from '@nestjs/common';
import type { LoggingConfig } from './logging.config';

/** Nest's own levels for the text format, from PIMCP_LOG_LEVEL. */
export function nestLogLevels(level: LoggingConfig['logLevel']): LogLevel[] {
  const order: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
  const last = { error: 'error', warn: 'warn', info: 'log', debug: 'verbose' }[level] as LogLevel;
  return order.slice(0, order.indexOf(last) + 1);
}
