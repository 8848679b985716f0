import { defineTool, ToolError, type ToolDefinition } from '@pimcp/plugin-sdk';
import { clip } from '../common/utf8-boundary';
import type { AiInferConfig } from './ai-infer.config';
import { ChatServerError, streamChatCompletion } from './chat-completion-stream';

interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

interface AiInferArgs extends Record<string, unknown> {
  prompt?: string;
  messages?: ChatMessage[];
  model?: string;
  maxTokens?: number;
  temperature?: number;
}

/** Generated text is relayed as progress at most this often, so a fast model does not flood the client. */
const PROGRESS_INTERVAL_MS = 100;

/**
 * Local inference through an OpenAI-compatible server on this node (llama.cpp server, Ollama's /v1): the call
 * streams from /chat/completions, relays the text as progress, stops at the output limit, and aborts the HTTP
 * request when the caller cancels or the time limit passes.
 */
export function aiInferTool(config: AiInferConfig): ToolDefinition {
  return defineTool<AiInferArgs>({
    name: 'ai.infer',
    description: `Generate text with a language model running on this node (models: ${config.models.join(', ')}; default ${config.model}). ` +
      `Give a prompt or chat messages. At most ${config.maxTokens} tokens and ${config.timeoutMs} ms per call; the text streams as progress.`,
    inputSchema: {
      type: 'object',
      properties: {
        prompt: { type: 'string', minLength: 1, maxLength: config.maxPromptChars, description: 'A single user message (instead of messages).' },
        messages: {
          type: 'array', minItems: 1, maxItems: 200,
          items: {
            type: 'object',
            properties: { role: { enum: ['system', 'user', 'assistant'] }, content: { type: 'string', maxLength: config.maxPromptChars } },
            required: ['role', 'content'], additionalProperties: false,
          },
        },
        model: { enum: [...config.models], description: `Default ${config.model}.` },
        maxTokens: { type: 'integer', minimum: 1, maximum: config.maxTokens },
        temperature: { type: 'number', minimum: 0, maximum: 2 },
      },
      additionalProperties: false,
    },
    outputSchema: {
      type: 'object',
      properties: {
        text: { type: 'string' },
        model: { type: 'string' },
        finishReason: { type: 'string' },
        truncated: { type: 'boolean', description: 'The text reached the node\'s output limit; the rest was not generated.' },
        usage: { type: 'object', properties: { promptTokens: { type: 'integer' }, completionTokens: { type: 'integer' }, totalTokens: { type: 'integer' } } },
        durationMs: { type: 'integer' },
      },
      required: ['text', 'model', 'truncated', 'durationMs'],
    },
    annotations: { title: 'Local language model', readOnlyHint: true, openWorldHint: false },
    version: '1.0.0',
    costClass: 'heavy',
    handler: async (args, ctx) => {
      const started = Date.now();
      const messages = messagesOf(args, config);
      const maxTokens = Math.min(args.maxTokens ?? config.maxTokens, config.maxTokens);
      const timeout = AbortSignal.timeout(Math.max(1, Math.min(config.timeoutMs, ctx.deadline - Date.now())));
      let lastProgress = 0;
      let pending = '';
      try {
        const outcome = await streamChatCompletion({
          url: `${config.baseUrl}/chat/completions`,
          ...(config.apiKeyEnv && process.env[config.apiKeyEnv] ? { apiKey: process.env[config.apiKeyEnv] } : {}),
          body: { model: args.model ?? config.model, messages, max_tokens: maxTokens, ...(args.temperature !== undefined ? { temperature: args.temperature } : {}) },
          signal: AbortSignal.any([ctx.signal, timeout]),
          maxOutputChars: config.maxOutputChars,
          onText: (delta, soFar) => {
            pending += delta;
            if (Date.now() - lastProgress < PROGRESS_INTERVAL_MS) return;
            lastProgress = Date.now();
            ctx.progress(soFar, undefined, pending);
            pending = '';
          },
        });
        const structured = {
          text: outcome.text, model: outcome.model ?? args.model ?? config.model, truncated: outcome.truncated,
          ...(outcome.finishReason ? { finishReason: outcome.finishReason } : {}),
          ...(outcome.usage ? { usage: definedOnly(outcome.usage) } : {}),
          durationMs: Date.now() - started,
        };
        return { content: [{ type: 'text', text: outcome.text }], structuredContent: structured };
      } catch (err) {
        if (ctx.signal.aborted) throw ctx.signal.reason;
        if (timeout.aborted) throw new ToolError(`the model did not finish within ${config.timeoutMs} ms; ask for fewer tokens (maxTokens) or a shorter answer`);
        throw new ToolError(explain(err, config));
      }
    },
  });
}

function messagesOf(args: AiInferArgs, config: AiInferConfig): ChatMessage[] {
  if ((args.prompt === undefined) === (args.messages === undefined)) throw new ToolError('give exactly one of "prompt" (a single message) and "messages" (a chat)');
  const messages = args.messages ?? [{ role: 'user', content: args.prompt ?? '' }];
  const chars = messages.reduce((sum, m) => sum + m.content.length, 0);
  if (chars > config.maxPromptChars) throw new ToolError(`the prompt is ${chars} characters; this node takes at most ${config.maxPromptChars}`);
  return messages;
}

function explain(err: unknown, config: AiInferConfig): string {
  if (err instanceof ChatServerError) return `the inference server refused or failed: ${clip(err.message, 1000)}`;
  const cause = (err as { cause?: { code?: string } })?.cause?.code ?? (err as Error)?.message ?? String(err);
  return `cannot reach the inference server at ${config.baseUrl} (${clip(String(cause), 200)}); is llama.cpp server or Ollama running there?`;
}

function definedOnly(usage: object): Record<string, number> {
  return Object.fromEntries(Object.entries(usage).filter((entry): entry is [string, number] => typeof entry[1] === 'number'));
}
