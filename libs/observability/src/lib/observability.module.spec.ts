import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Counter } from 'prom-client';
import type { ReadinessCheck } from './health/readiness-check';
import { createMetricsRegistry } from './metrics/metrics-registry';
import { ObservabilityModule } from './observability.module';

describe('ObservabilityModule', () => {
  let app: INestApplication;
  let base: string;
  let redisUp = true;
  const checks: ReadinessCheck[] = [
    { name: 'catalog', check: async () => undefined },
    { name: 'redis', check: async () => { if (!redisUp) throw new Error('Redis at 10.0.0.5:6379 does not answer'); } },
    { name: 'etcd', check: () => new Promise<void>(() => undefined) },
  ];

  beforeAll(async () => {
    const metrics = createMetricsRegistry('test-app');
    new Counter({ name: 'pimcp_test_things_total', help: 'Things.', registers: [metrics] }).inc(3);
    const moduleRef = await Test.createTestingModule({
      imports: [ObservabilityModule.register({ metrics, readiness: checks.slice(0, 2) })],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });

  afterAll(() => app?.close());

  it('serves the registry in the Prometheus text format, labelled with the app', async () => {
    const response = await fetch(`${base}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toContain('pimcp_test_things_total{app="test-app"} 3');
    expect(text).toContain('pimcp_process_resident_memory_bytes');
  });

  it('is live whatever the dependencies say, and ready only while every check answers', async () => {
    expect((await fetch(`${base}/health/ready`)).status).toBe(200);
    redisUp = false;
    const down = await fetch(`${base}/health/ready`);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({
      status: 'error',
      info: { catalog: { status: 'up' } },
      error: { redis: { status: 'down', message: 'Redis at 10.0.0.5:6379 does not answer' } },
    });
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
    redisUp = true;
    expect((await fetch(`${base}/health/ready`)).status).toBe(200);
  });

  it('reports a check that hangs as down instead of hanging the probe', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [ObservabilityModule.register({ metrics: createMetricsRegistry('hang', { processMetrics: false }), readiness: [checks[2] as ReadinessCheck] })],
    }).compile();
    const hanging = moduleRef.createNestApplication({ logger: false });
    await hanging.listen(0, '127.0.0.1');
    try {
      const started = Date.now();
      const answer = await fetch(`${await hanging.getUrl()}/health/ready`);
      expect(answer.status).toBe(503);
      expect(await answer.json()).toMatchObject({ error: { etcd: { status: 'down', message: expect.stringContaining('no answer within') } } });
      expect(Date.now() - started).toBeLessThan(2900);
    } finally {
      await hanging.close();
    }
  });
});
