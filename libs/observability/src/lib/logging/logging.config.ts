import { type ConfigOf, ConfigLoader } from '@pimcp/config';

/** Logging settings every PiMCP process reads, next to its own. */
export const loggingConfigDefinition = {
  logFormat: {
    env: 'PIMCP_LOG_FORMAT', type: 'string', default: 'text', pattern: /^(text|json)$/, patternHint: 'text or json',
    description: 'text: Nest\'s coloured lines for a terminal; json: one JSON object per line (pino) with time, level, app, context and request ids, for log collectors.',
  },
  logLevel: {
    env: 'PIMCP_LOG_LEVEL', type: 'string', default: 'info', pattern: /^(error|warn|info|debug)$/, patternHint: 'error, warn, info or debug',
    description: 'Least severe level written.',
  },
} as const;

export type LoggingConfig = ConfigOf<typeof loggingConfigDefinition>;

export const loggingConfig = new ConfigLoader(loggingConfigDefinition);
