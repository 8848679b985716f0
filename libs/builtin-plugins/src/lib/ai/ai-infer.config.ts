import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import ipaddr from 'ipaddr.js';
import { ConfigProblems, isEmptyConfig } from '../common/config-problems';

export const AI_INFER_DEFAULTS = {
  maxTokens: 512,
  timeoutMs: 60_000,
  maxPromptChars: 32_000,
  maxOutputChars: 64_000,
} as const;

class AiInferConfigDto {
  /** The OpenAI-compatible API root, e.g. http://127.0.0.1:8080/v1 (llama.cpp server) or http://127.0.0.1:11434/v1 (Ollama). */
  @IsOptional() @IsString() @MaxLength(2048)
  baseUrl?: string;

  /** The model used when a call names none; it must be among `models` when that is given. */
  @IsOptional() @IsString() @MaxLength(200)
  model?: string;

  /** Models callers may choose (default: only `model`). */
  @IsOptional() @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) @MaxLength(200, { each: true })
  models?: string[];

  /** Hosts besides loopback that baseUrl may name (a GPU box on the LAN); loopback needs no entry. */
  @IsOptional() @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @MaxLength(253, { each: true })
  allowedHosts?: string[];

  @IsOptional() @IsString() @Matches(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'apiKeyEnv names an environment variable (letters, digits, "_")' })
  apiKeyEnv?: string;

  @IsOptional() @IsInt() @Min(1) @Max(32_768)
  maxTokens?: number;

  @IsOptional() @IsInt() @Min(100) @Max(600_000)
  timeoutMs?: number;

  @IsOptional() @IsInt() @Min(1) @Max(1_000_000)
  maxPromptChars?: number;

  @IsOptional() @IsInt() @Min(100) @Max(4_000_000)
  maxOutputChars?: number;
}

export interface AiInferConfig {
  /** Without "/" at the end; requests go to `${baseUrl}/chat/completions`. */
  readonly baseUrl: string;
  readonly model: string;
  readonly models: readonly string[];
  /** The environment variable holding the API key (read per call; never the key itself). */
  readonly apiKeyEnv?: string;
  readonly maxTokens: number;
  readonly timeoutMs: number;
  readonly maxPromptChars: number;
  readonly maxOutputChars: number;
}

/**
 * Validates the `ai.infer` section. An absent or empty section is no config: the plugin offers no tool (deny by
 * default). baseUrl must name loopback or a host listed in allowedHosts, so a config typo cannot send prompts off
 * the machine.
 */
export function parseAiInferConfig(raw: unknown, at = ''): AiInferConfig | undefined {
  if (isEmptyConfig(raw)) return undefined;
  const problems = new ConfigProblems('ai.infer', at);
  const dto = problems.dto(AiInferConfigDto, raw, '');
  if (!dto) problems.throwIfAny();
  const config = dto as AiInferConfigDto;
  if (!config.baseUrl) problems.add('baseUrl', 'is required: the OpenAI-compatible server, e.g. http://127.0.0.1:11434/v1 (Ollama)');
  if (!config.model) problems.add('model', 'is required: the model to run when a call names none');
  const baseUrl = config.baseUrl ? checkedBaseUrl(config.baseUrl, config.allowedHosts ?? [], problems) : '';
  const models = config.models ?? (config.model ? [config.model] : []);
  if (config.model && !models.includes(config.model)) problems.add('model', `must be one of models (${models.join(', ')})`);
  problems.throwIfAny();
  return {
    baseUrl, model: config.model as string, models,
    ...(config.apiKeyEnv ? { apiKeyEnv: config.apiKeyEnv } : {}),
    maxTokens: config.maxTokens ?? AI_INFER_DEFAULTS.maxTokens,
    timeoutMs: config.timeoutMs ?? AI_INFER_DEFAULTS.timeoutMs,
    maxPromptChars: config.maxPromptChars ?? AI_INFER_DEFAULTS.maxPromptChars,
    maxOutputChars: config.maxOutputChars ?? AI_INFER_DEFAULTS.maxOutputChars,
  };
}

function checkedBaseUrl(raw: string, allowedHosts: readonly string[], problems: ConfigProblems): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    problems.add('baseUrl', 'is not a URL; write e.g. http://127.0.0.1:8080/v1');
    return '';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') problems.add('baseUrl', 'must be http:// or https://');
  if (url.username || url.password) problems.add('baseUrl', 'must not carry credentials; put the API key in an environment variable named by apiKeyEnv');
  if (url.search || url.hash) problems.add('baseUrl', 'takes no query or fragment');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!isLoopback(host) && !allowedHosts.includes(host)) {
    problems.add('baseUrl', `names ${host}, which is not loopback; add it to allowedHosts to send prompts there`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  return ipaddr.isValid(host) && ipaddr.process(host).range() === 'loopback';
}
