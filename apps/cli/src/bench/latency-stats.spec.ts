import { latencyStats } from './latency-stats';

describe('latencyStats', () => {
  it('gives nearest-rank percentiles of measured values', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 down to 1
    expect(latencyStats(samples)).toEqual({ min: 1, mean: 50.5, p50: 50, p90: 90, p99: 99, max: 100 });
  });

  it('handles one sample and none', () => {
    expect(latencyStats([7])).toEqual({ min: 7, mean: 7, p50: 7, p90: 7, p99: 7, max: 7 });
    expect(latencyStats([])).toBeUndefined();
  });
});
