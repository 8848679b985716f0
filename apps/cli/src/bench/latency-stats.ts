/** Latency figures in milliseconds, by the nearest-rank method (a percentile is a latency that was measured). */
export interface LatencyStats {
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export function latencyStats(samplesMs: readonly number[]): LatencyStats | undefined {
  if (samplesMs.length === 0) return undefined;
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] as number;
  return {
    min: sorted[0] as number,
    mean: sorted.reduce((sum, x) => sum + x, 0) / sorted.length,
    p50: at(50),
    p90: at(90),
    p99: at(99),
    max: sorted[sorted.length - 1] as number,
  };
}
