import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { adminAuthModeOf, registryConfig } from '@pimcp/registry-server';
import { parse as parseYaml } from 'yaml';
import { Dockerfile } from './support/dockerfile';
import { type AppName, PimcpApps, REPO_ROOT } from './support/pimcp-apps';

/* eslint-disable @typescript-eslint/no-explicit-any -- compose.yaml is untyped YAML */

const COMPOSE_DIR = join(REPO_ROOT, 'deploy/docker');
const compose = parseYaml(readFileSync(join(COMPOSE_DIR, 'compose.yaml'), 'utf8'), { merge: true }) as any;
const services = compose.services as Record<string, any>;

/** The app a compose service runs, from the Dockerfile it builds. */
function appOf(service: any): AppName | undefined {
  const match = /deploy\/docker\/([\w-]+)\.Dockerfile$/.exec(service.build?.dockerfile ?? '');
  return match && (PimcpApps.names as readonly string[]).includes(match[1]) ? (match[1] as AppName) : undefined;
}

const appServices = Object.entries(services).filter(([, s]) => appOf(s)).map(([name, s]) => ({ name, service: s, app: appOf(s) as AppName }));

/** What the process sees: the image's ENV overlaid by the service's environment. */
function environmentOf(service: any, app: AppName): Record<string, string> {
  const image = Dockerfile.env(Dockerfile.read(join(COMPOSE_DIR, `${app}.Dockerfile`)).finalStage);
  return { ...image, ...Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, String(v)])) };
}

describe('deploy/docker/compose.yaml', () => {
  it('runs etcd, Redis, registry, gateway, context-sync and two edge nodes', () => {
    expect(Object.keys(services).sort()).toEqual(['context-sync', 'edge-node-redis', 'edge-node-tcp', 'etcd', 'gateway', 'redis', 'registry']);
    expect(appServices.map((s) => `${s.name}:${s.app}`).sort()).toEqual([
      'context-sync:context-sync', 'edge-node-redis:edge-node', 'edge-node-tcp:edge-node', 'gateway:gateway', 'registry:registry',
    ]);
  });

  it('builds every app image from its Dockerfile with the repository root as context', () => {
    for (const app of PimcpApps.names) {
      const builders = appServices.filter((s) => s.app === app);
      expect({ app, builders: builders.length > 0 }).toEqual({ app, builders: true });
      for (const { service } of builders) {
        expect(resolve(COMPOSE_DIR, service.build.context)).toBe(REPO_ROOT);
        expect(existsSync(join(REPO_ROOT, service.build.dockerfile))).toBe(true);
        expect(service.image).toBe(`pimcp/${app}:dev`);
      }
    }
  });

  it('runs Redis with AOF and noeviction, and health-checks etcd and Redis', () => {
    const redis = services['redis'];
    expect(redis.image).toMatch(/^redis:7(\.|$)/);
    expect(redis.command.join(' ')).toContain('--appendonly yes');
    expect(redis.command.join(' ')).toContain('--maxmemory-policy noeviction');
    expect(redis.healthcheck.test).toEqual(['CMD', 'redis-cli', 'ping']);
    expect(services['etcd'].image).toMatch(/^quay\.io\/coreos\/etcd:v3\.\d+\.\d+$/);
    expect(services['etcd'].healthcheck.test).toEqual(expect.arrayContaining(['endpoint', 'health']));
  });

  it.each(appServices)('runs $name as uid 10001 on a read-only root filesystem with no capabilities', ({ service }) => {
    expect(service).toMatchObject({ read_only: true, user: '10001:10001', cap_drop: ['ALL'], security_opt: ['no-new-privileges:true'] });
  });

  it.each(appServices)("starts $name with settings its app knows and its config loader accepts", ({ service, app }) => {
    const env = environmentOf(service, app);
    const known = PimcpApps.variables(app);
    expect(Object.keys(env).filter((k) => k.startsWith('PIMCP_') && !known.has(k))).toEqual([]);
    expect(() => PimcpApps.load(app, env)).not.toThrow();
  });

  it.each(appServices)('points $name only at hosts that are services of this file, and waits for them to be healthy', ({ name, service, app }) => {
    const env = environmentOf(service, app);
    const hosts = Object.entries(env)
      .filter(([k]) => (k === 'PIMCP_ETCD_HOSTS' || k.endsWith('_URL')) && k !== 'PIMCP_GATEWAY_PUBLIC_URL')
      .flatMap(([, v]) => v.split(',').filter((u) => u).map((u) => new URL(u).hostname));
    for (const host of hosts) {
      expect({ name, host, isService: host in services }).toEqual({ name, host, isService: true });
      expect({ name, host, waitsFor: service.depends_on?.[host]?.condition }).toEqual({ name, host, waitsFor: 'service_healthy' });
    }
    expect(hosts.length).toBeGreaterThan(0);
  });

  it('links one edge node over TCP (advertising its service name) and one through Redis, each with its own DNS-label id', () => {
    const edges = appServices.filter((s) => s.app === 'edge-node').map((s) => ({ name: s.name, env: environmentOf(s.service, 'edge-node') }));
    const byTransport = Object.fromEntries(edges.map((e) => [e.env['PIMCP_NODE_LINK_TRANSPORT'], e]));
    expect(Object.keys(byTransport).sort()).toEqual(['redis', 'tcp']);
    expect(byTransport['tcp'].env['PIMCP_NODE_ADVERTISE_HOST']).toBe(byTransport['tcp'].name);
    expect(byTransport['tcp'].env['PIMCP_NODE_LINK_PORT']).toBe('7600');
    expect(byTransport['redis'].env['PIMCP_NODE_LINK_REDIS_URL']).toBe('redis://redis:6379');
    const ids = edges.map((e) => e.env['PIMCP_NODE_ID']);
    expect(new Set(ids).size).toBe(edges.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/);
  });

  it("keeps each edge node's context journal on its own named volume", () => {
    const edges = appServices.filter((s) => s.app === 'edge-node');
    const volumes = edges.map(({ service }) => {
      const journal = environmentOf(service, 'edge-node')['PIMCP_NODE_CONTEXT_JOURNAL'];
      const mount = (service.volumes as string[]).find((v) => journal.startsWith(`${v.split(':')[1]}/`));
      const volume = mount?.split(':')[0] ?? '';
      expect(Object.keys(compose.volumes)).toContain(volume);
      return volume;
    });
    expect(new Set(volumes).size).toBe(edges.length);
  });

  it("mounts the JWT public key read-only where the gateway image looks for it, refusing a missing file", () => {
    const gateway = services['gateway'];
    const keyFile = environmentOf(gateway, 'gateway')['PIMCP_GATEWAY_JWT_PUBLIC_KEY_FILE'];
    const mount = gateway.volumes.find((v: any) => v.target === keyFile);
    expect(mount).toMatchObject({ type: 'bind', read_only: true, bind: { create_host_path: false } });
    expect(mount.source).toContain('.pimcp/dev-signing-key.pub.pem');
  });

  it('mounts the gateway\'s invocation signing key and points every edge node at the gateway\'s invocation JWKS', () => {
    const gateway = services['gateway'];
    const keyFile = environmentOf(gateway, 'gateway')['PIMCP_GATEWAY_INVOCATION_KEY_FILE'];
    const mount = gateway.volumes.find((v: any) => v.target === keyFile);
    expect(mount).toMatchObject({ type: 'bind', read_only: true, bind: { create_host_path: false } });
    expect(mount.source).toContain('.pimcp/dev-invocation-key.pem');
    for (const name of ['edge-node-tcp', 'edge-node-redis']) {
      expect(environmentOf(services[name], 'edge-node')['PIMCP_NODE_INVOCATION_JWKS_URL']).toBe('http://gateway:8080/.well-known/pimcp/invocation-jwks.json');
    }
  });

  it('starts the registry on 0.0.0.0 only because it accepts the open admin API explicitly (published on loopback)', () => {
    const env = environmentOf(services['registry'], 'registry');
    const warn = jest.fn();
    expect(env['PIMCP_REGISTRY_HTTP_HOST']).toBe('0.0.0.0');
    expect(adminAuthModeOf(registryConfig.load({ env }), { warn } as never)).toEqual({ kind: 'none' });
    expect(warn).toHaveBeenCalledTimes(1);
    const withoutIt = Object.fromEntries(Object.entries(env).filter(([k]) => k !== 'PIMCP_REGISTRY_ADMIN_AUTH'));
    expect(() => adminAuthModeOf(registryConfig.load({ env: withoutIt }), { warn } as never)).toThrow(/PIMCP_REGISTRY_ADMIN_AUTH=none/);
  });

  it('publishes ports on loopback only, matching the ports the apps listen on', () => {
    const published = Object.entries(services).flatMap(([name, s]) => (s.ports ?? []).map((p: string) => `${name} ${p}`));
    expect(published.sort()).toEqual(['context-sync 127.0.0.1:8084:8084', 'gateway 127.0.0.1:8080:8080', 'registry 127.0.0.1:8081:8081']);
  });
});
