/** One call to an OpenAI-compatible /chat/completions with stream: true, read as server-sent events. */
export interface ChatRequest {
  url: string;
  apiKey?: string;
  body: Record<string, unknown>;
  signal: AbortSignal;
  /** Called with each piece of generated text as it arrives. */
  onText(delta: string, soFar: number): void;
  /** Stop reading (and abort the request) once this much text arrived. */
  maxOutputChars: number;
}

export interface ChatUsage {
  promptTokens?: number;
  completionTokens?: number;
  totalTokens?: number;
}

export interface ChatOutcome {
  text: string;
  model?: string;
  finishReason?: string;
  usage?: ChatUsage;
  /** The output reached maxOutputChars and the rest was not read. */
  truncated: boolean;
}

/** A failure the server reported (HTTP status, or an error event in the stream). */
export class ChatServerError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = 'ChatServerError';
  }
}

interface ChunkShape {
  model?: string;
  error?: { message?: string };
  choices?: Array<{ delta?: { content?: string | null }; finish_reason?: string | null }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number };
}

const MAX_ERROR_BODY = 2000;
const MAX_EVENT_CHARS = 1024 * 1024;

export async function streamChatCompletion(request: ChatRequest): Promise<ChatOutcome> {
  const stop = new AbortController();
  const signal = AbortSignal.any([request.signal, stop.signal]);
  const response = await fetch(request.url, {
    method: 'POST',
    redirect: 'error',
    signal,
    headers: {
      'content-type': 'application/json', accept: 'text/event-stream',
      ...(request.apiKey ? { authorization: `Bearer ${request.apiKey}` } : {}),
    },
    body: JSON.stringify({ ...request.body, stream: true, stream_options: { include_usage: true } }),
  });
  if (!response.ok) throw new ChatServerError(await errorText(response), response.status);
  if (!response.body) throw new ChatServerError('the server answered without a body');
  const outcome: ChatOutcome = { text: '', truncated: false };
  const reader = response.body.getReader();
  try {
    return await readEvents(reader, outcome, request);
  } finally {
    // Whatever ended the reading (the end, the output limit, a bad event), the request ends with it, so the server
    // stops generating for nobody.
    stop.abort();
  }
}

async function readEvents(reader: ReadableStreamDefaultReader<Uint8Array>, outcome: ChatOutcome, request: ChatRequest): Promise<ChatOutcome> {
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { done, value: bytes } = await reader.read();
    if (done) return outcome;
    buffer += decoder.decode(bytes, { stream: true });
    if (buffer.length > MAX_EVENT_CHARS) throw new ChatServerError(`the server sent an event longer than ${MAX_EVENT_CHARS} characters`);
    let end: number;
    while ((end = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, end).replace(/\r$/, '');
      buffer = buffer.slice(end + 1);
      if (!line.startsWith('data:')) continue;
      const data = line.slice(5).trim();
      if (data === '[DONE]') return outcome;
      if (apply(outcome, parseChunk(data), request)) return outcome;
    }
  }
}

function parseChunk(data: string): ChunkShape {
  try {
    return JSON.parse(data) as ChunkShape;
  } catch {
    throw new ChatServerError(`the server sent an event that is not JSON: ${data.slice(0, 200)}`);
  }
}

/** Folds one chunk into the outcome; true when the output limit was reached. */
function apply(outcome: ChatOutcome, chunk: ChunkShape, request: ChatRequest): boolean {
  if (chunk.error) throw new ChatServerError(String(chunk.error.message ?? 'the server reported an error').slice(0, MAX_ERROR_BODY));
  if (chunk.model) outcome.model = chunk.model;
  if (chunk.usage) {
    outcome.usage = { promptTokens: chunk.usage.prompt_tokens, completionTokens: chunk.usage.completion_tokens, totalTokens: chunk.usage.total_tokens };
  }
  for (const choice of chunk.choices ?? []) {
    if (choice.finish_reason) outcome.finishReason = choice.finish_reason;
    const delta = choice.delta?.content;
    if (!delta) continue;
    const room = request.maxOutputChars - outcome.text.length;
    outcome.text += delta.slice(0, room);
    request.onText(delta.slice(0, room), outcome.text.length);
    if (delta.length >= room) {
      outcome.truncated = true;
      outcome.finishReason = 'length';
      return true;
    }
  }
  return false;
}

async function errorText(response: Response): Promise<string> {
  const body = (await response.text().catch(() => '')).slice(0, MAX_ERROR_BODY);
  try {
    const parsed = JSON.parse(body) as { error?: { message?: string } | string };
    const message = typeof parsed.error === 'string' ? parsed.error : parsed.error?.message;
    if (message) return `HTTP ${response.status}: ${message}`;
  } catch {
    // not JSON: the raw text says it
  }
  return `HTTP ${response.status}${body ? `: ${body}` : ''}`;
}
