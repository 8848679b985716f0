import { CapabilityLatency } from './capability-latency';
import { Ewma } from './ewma';
import { LatencyWindow } from './latency-window';

describe(LatencyWindow.name, () => {
  describe('quantile', () => {
    it('answers the nearest-rank quantile of the samples held', () => {
      const window = new LatencyWindow(100);
      for (let ms = 100; ms >= 1; ms--) window.add(ms);
      expect(window.quantile(0.95)).toBe(95);
      expect(window.quantile(0.5)).toBe(50);
      expect(window.quantile(1)).toBe(100);
    });

    it('is undefined before any sample', () => {
      expect(new LatencyWindow(4).quantile(0.95)).toBeUndefined();
    });
  });

  describe('add', () => {
    it('keeps only the last `capacity` samples, so old spikes leave the p95', () => {
      const window = new LatencyWindow(10);
      for (let i = 0; i < 10; i++) window.add(1000);
      for (let i = 0; i < 10; i++) window.add(5);
      expect(window.size).toBe(10);
      expect(window.quantile(0.95)).toBe(5);
    });
  });
});

describe(CapabilityLatency.name, () => {
  it('waits for minSamples before answering a quantile', () => {
    const latency = new CapabilityLatency();
    latency.record('file.search', 10);
    expect(latency.quantile('file.search', 0.95, 2)).toBeUndefined();
    latency.record('file.search', 20);
    expect(latency.quantile('file.search', 0.95, 2)).toBe(20);
  });

  it('tracks at most maxCapabilities, dropping the least recently used', () => {
    const latency = new CapabilityLatency({ maxCapabilities: 3, windowSize: 4 });
    for (let i = 0; i < 1000; i++) latency.record(`cap.c${i}`, i);
    latency.record('cap.c998', 1);
    latency.record('cap.new', 1);
    expect(latency.size).toBe(3);
    expect(latency.samples('cap.c998')).toBe(2);
    expect(latency.samples('cap.c997')).toBe(0);
  });
});

describe(Ewma.name, () => {
  it('starts at the first sample and moves by alpha toward each new one', () => {
    const ewma = new Ewma(0.5);
    expect(ewma.value).toBeUndefined();
    ewma.add(100);
    expect(ewma.value).toBe(100);
    ewma.add(0);
    expect(ewma.value).toBe(50);
  });
});
