import type { Client } from '@modelcontextprotocol/client';
import { type LatencyStats, latencyStats } from './latency-stats';

export interface BenchPlan {
  tool: string;
  arguments: Record<string, unknown>;
  meta?: Record<string, unknown>;
  calls: number;
  warmup: number;
  timeoutMs: number;
}

export interface BenchReport {
  tool: string;
  calls: number;
  concurrency: number;
  succeeded: number;
  failed: number;
  /** The first failure, to say what went wrong without repeating it N times. */
  firstError?: string;
  durationMs: number;
  callsPerSecond: number;
  latencyMs?: LatencyStats;
}

/**
 * Runs plan.calls tool calls spread over one MCP session per client (the concurrency), after a warm-up on each,
 * and measures each call from request to result. A call that throws or returns isError counts as failed.
 */
export async function runBench(clients: Client[], plan: BenchPlan, onDone: (completed: number) => void = () => undefined): Promise<BenchReport> {
  const call = (client: Client) => client.callTool(
    { name: plan.tool, arguments: plan.arguments, ...(plan.meta ? { _meta: plan.meta } : {}) },
    { timeout: plan.timeoutMs },
  );
  await Promise.all(clients.map(async (client) => {
    for (let i = 0; i < plan.warmup; i++) await call(client).catch(() => undefined);
  }));

  const latencies: number[] = [];
  let failed = 0;
  let firstError: string | undefined;
  let next = 0;
  const started = performance.now();
  await Promise.all(clients.map(async (client) => {
    while (next < plan.calls) {
      next++;
      const t0 = performance.now();
      try {
        const result = await call(client);
        if (result.isError) throw new Error(textOf(result.content) || 'the tool reported an error');
        latencies.push(performance.now() - t0);
      } catch (error) {
        failed++;
        firstError ??= (error as Error).message ?? String(error);
      }
      onDone(latencies.length + failed);
    }
  }));
  const durationMs = performance.now() - started;
  const stats = latencyStats(latencies);
  return {
    tool: plan.tool,
    calls: plan.calls,
    concurrency: clients.length,
    succeeded: latencies.length,
    failed,
    ...(firstError !== undefined ? { firstError } : {}),
    durationMs,
    callsPerSecond: durationMs > 0 ? (latencies.length / durationMs) * 1000 : 0,
    ...(stats ? { latencyMs: stats } : {}),
  };
}

function textOf(content: unknown): string {
  return Array.isArray(content) ? content.map((c: { type?: string; text?: string }) => (c.type === 'text' ? c.text : '')).join(' ').trim() : '';
}
