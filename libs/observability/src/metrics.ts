// Metrics only (prom-client), for processes that do not mount the Nest module (the edge node).
export * from './lib/metrics/metrics-registry';
