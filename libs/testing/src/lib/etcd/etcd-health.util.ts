import { get } from 'node:http';

const PROBE_TIMEOUT_MS = 1_000;

/**
 * True when etcd's /health says so. Unlike an open port, this also means the
 * member has a leader, so a cluster member only passes once quorum exists.
 */
export function isEtcdHealthy(clientUrl: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const request = get(`${clientUrl}/health`, { timeout: PROBE_TIMEOUT_MS }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        try {
          resolve((JSON.parse(body) as { health?: unknown }).health === 'true');
        } catch {
          resolve(false);
        }
      });
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`GET ${clientUrl}/health timed out`)));
    request.on('error', reject);
  });
}
