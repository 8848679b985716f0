import { generateKeyPairSync } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { HelmChart, type Manifest, type RenderOptions } from './support/helm-chart';
import { type Container, ManifestSet } from './support/manifest-set';
import { type AppName, PimcpApps, REPO_ROOT } from './support/pimcp-apps';

/* eslint-disable @typescript-eslint/no-explicit-any -- rendered manifests are untyped YAML */

const CHART_DIR = join(REPO_ROOT, 'deploy/helm/pimcp');
const chart = HelmChart.load(CHART_DIR);
const JWT_PUBLIC_KEY = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
/** The one value without a usable default: what `-f my-values.yaml` must at least say. */
const INVOCATION_KEY = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
/** How the registry's admin API checks tokens: rendering fails without it (or insecure: true). */
const ADMIN_AUTH = { publicKeySecret: 'pimcp-registry-admin-key', issuer: 'https://idp.example.test' };
const REQUIRED = { auth: { jwtPublicKey: JWT_PUBLIC_KEY, invocationPrivateKey: INVOCATION_KEY }, registry: { adminAuth: ADMIN_AUTH } };
/** Sample downward-API values for the pods' fieldRefs. */
const FIELDS = { 'spec.nodeName': 'rpi-kitchen-1', 'metadata.name': 'pimcp-edge-node-x7k2p', 'status.podIP': '10.42.0.17' };

function render(values: Record<string, unknown> = {}, options: Omit<RenderOptions, 'values'> = {}): ManifestSet {
  const auth = { ...REQUIRED.auth, ...(isMap(values['auth']) ? values['auth'] : {}) };
  const registry = deepMerge({ adminAuth: ADMIN_AUTH }, isMap(values['registry']) ? values['registry'] : {});
  return new ManifestSet(chart.render({ ...options, values: { ...values, auth, registry } }).manifests);
}

/** Helm's coalescing: maps merge, lists and scalars replace, null removes the key. */
function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const current = out[k];
    if (v === null) delete out[k];
    else out[k] = isMap(current) && isMap(v) ? deepMerge(current, v) : v;
  }
  return out;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A Kubernetes quantity in MiB (memory) for comparisons with docs/benchmarks.md. */
function mebibytes(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi)?$/.exec(quantity);
  if (!match) throw new Error(`unexpected memory quantity ${quantity}`);
  const factor = { Ki: 1 / 1024, Mi: 1, Gi: 1024 }[match[2] ?? ''] ?? 1 / (1024 * 1024);
  return Number(match[1]) * factor;
}

/** RSS figures (MiB, idle and loaded) of one row of the RSS table in docs/benchmarks.md. */
function benchmarkRss(rowStart: string): { idle: number; loaded: number } {
  const row = readFileSync(join(REPO_ROOT, 'docs/benchmarks.md'), 'utf8').split('\n').find((l) => l.startsWith(`| ${rowStart}`));
  const figures = row?.match(/(\d+) MiB/g)?.map((f) => Number.parseInt(f, 10));
  if (!figures || figures.length !== 2) throw new Error(`docs/benchmarks.md has no RSS row "${rowStart}"`);
  return { idle: figures[0], loaded: figures[1] };
}

/** The containers of a workload with its pod-level security context folded in (container fields win). */
function effectiveSecurity(workload: Manifest, container: Container): Record<string, any> {
  return { ...ManifestSet.podSpec(workload).securityContext, ...container.securityContext };
}

const APP_WORKLOADS: { app: AppName; kind: string; name: string; container: string }[] = [
  { app: 'gateway', kind: 'Deployment', name: 'pimcp-gateway', container: 'gateway' },
  { app: 'registry', kind: 'Deployment', name: 'pimcp-registry', container: 'registry' },
  { app: 'context-sync', kind: 'Deployment', name: 'pimcp-context-sync', container: 'context-sync' },
  { app: 'edge-node', kind: 'DaemonSet', name: 'pimcp-edge-node', container: 'edge-node' },
];

/** apiVersions served by Kubernetes 1.28 and later (none of these is deprecated for removal). */
const API_VERSIONS: Record<string, string> = {
  Deployment: 'apps/v1', DaemonSet: 'apps/v1', StatefulSet: 'apps/v1', Service: 'v1', ConfigMap: 'v1', Secret: 'v1',
  ServiceAccount: 'v1', HorizontalPodAutoscaler: 'autoscaling/v2', PodDisruptionBudget: 'policy/v1',
  Ingress: 'networking.k8s.io/v1', Certificate: 'cert-manager.io/v1',
};

describe('deploy/helm/pimcp', () => {
  describe('chart files', () => {
    it('has a Chart.yaml for Helm 3 that requires Kubernetes 1.28 or later', () => {
      expect(chart.chart).toMatchObject({ apiVersion: 'v2', name: 'pimcp', type: 'application', kubeVersion: '>=1.28.0-0' });
      expect(String(chart.chart['version'])).toMatch(/^\d+\.\d+\.\d+$/);
    });

    it('parses every YAML file of the chart outside templates/', () => {
      for (const file of readdirSync(CHART_DIR).filter((f) => f.endsWith('.yaml'))) {
        expect(() => parseYaml(readFileSync(join(CHART_DIR, file), 'utf8'))).not.toThrow();
      }
    });

    it('keeps values.yaml valid against values.schema.json', () => {
      expect(chart.problems(structuredClone(chart.defaults))).toEqual([]);
    });

    it('refuses values that would deploy something broken or insecure', () => {
      const bad: [string, Record<string, unknown>, RegExp][] = [
        ['a misspelt key', { gateway: { replica: 3 } }, /must NOT have additional properties/],
        ['an unknown link transport', { edgeNode: { linkTransport: 'udp' } }, /edgeNode\/linkTransport must be equal to one of the allowed values/],
        ['external etcd without endpoints', { etcd: { bundled: false } }, /etcd\/endpoints must NOT have fewer than 1 items/],
        ['an etcd endpoint the apps reject', { etcd: { bundled: false, endpoints: ['etcd:2379/x'] } }, /etcd\/endpoints\/0 must match pattern/],
        ['external Redis without a URL', { redis: { bundled: false } }, /redis\/url must NOT have fewer than 1 characters/],
        ['a writable root filesystem', { containerSecurityContext: { readOnlyRootFilesystem: false } }, /readOnlyRootFilesystem must be equal to constant/],
        ['running as root', { podSecurityContext: { runAsUser: 0 } }, /runAsUser must be >= 1/],
        ['a non-PIMCP extra variable', { gateway: { extraEnv: { NODE_OPTIONS: '--inspect' } } }, /property name must be valid/],
        ['an unquoted number in extraEnv', { gateway: { extraEnv: { PIMCP_GATEWAY_MAX_QUEUED: 5000 } } }, /extraEnv\/PIMCP_GATEWAY_MAX_QUEUED must be string/],
        ['cert-manager without an issuer', { certManager: { enabled: true } }, /certManager\/issuerRef\/name must NOT have fewer than 1 characters/],
        ['an ingress without a host', { gateway: { ingress: { enabled: true } } }, /gateway\/ingress\/host must NOT have fewer than 1 characters/],
        ['a Redis password that breaks the URL', { redis: { password: 'p@ss' } }, /redis\/password must match pattern/],
        ['resources without requests', { gateway: { resources: { requests: null } } }, /must have required property 'requests'/],
        ['an admin JWKS URL that is not one', { registry: { adminAuth: { jwksUrl: 'idp.example.test/jwks' } } }, /registry\/adminAuth\/jwksUrl must match pattern/],
      ];
      for (const [what, values, problem] of bad) {
        const problems = chart.problems(deepMerge(structuredClone(chart.defaults), values));
        expect({ what, problems: problems.join('; ') }).toEqual({ what, problems: expect.stringMatching(problem) });
      }
    });

    it('reads every value it declares (no setting in values.yaml is silently ignored)', () => {
      const templates = readdirSync(join(CHART_DIR, 'templates')).map((f) => readFileSync(join(CHART_DIR, 'templates', f), 'utf8')).join('\n');
      const referenced = [...templates.matchAll(/\.Values((?:\.\w+)+)/g)].map((m) => m[1].slice(1));
      const leaves = (value: unknown, path: string[]): string[] =>
        isMap(value) && Object.keys(value).length > 0 && !referenced.includes(path.join('.'))
          ? Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]))
          : [path.join('.')];
      const unread = leaves(chart.defaults, []).filter((leaf) => !referenced.some((r) => leaf === r || leaf.startsWith(`${r}.`)));
      expect(unread).toEqual([]);
    });
  });

  describe('rendered with the default values', () => {
    const set = render();

    it('needs a JWT public key and says which value gives it', () => {
      expect(() => chart.render({ values: { registry: REQUIRED.registry } })).toThrow(/auth\.jwtPublicKey \(a PEM public key\) or auth\.existingSecret is required/);
    });

    it('needs registry admin authentication, or insecure said aloud, and says which values give it', () => {
      const withoutAdminAuth = { ...REQUIRED, registry: { adminAuth: { issuer: 'https://idp.example.test' } } };
      expect(() => chart.render({ values: withoutAdminAuth })).toThrow(/registry\.adminAuth: set jwksUrl .* or publicKeySecret .* or insecure: true/);
      expect(() => render({ registry: { adminAuth: { issuer: '' } } })).toThrow(/registry\.adminAuth\.issuer is required/);
    });

    it('mounts the admin public key from its Secret where the registry reads it, and requires tokens', () => {
      const deployment = set.get('Deployment', 'pimcp-registry');
      const container = ManifestSet.container(deployment, 'registry');
      const env = set.environment(container, FIELDS);
      expect(env).toMatchObject({
        PIMCP_REGISTRY_HTTP_HOST: '0.0.0.0', PIMCP_REGISTRY_ADMIN_AUTH: 'jwt', PIMCP_REGISTRY_ADMIN_ISSUER: 'https://idp.example.test', PIMCP_REGISTRY_ADMIN_AUDIENCE: 'pimcp-registry',
      });
      const file = env['PIMCP_REGISTRY_ADMIN_PUBLIC_KEY_FILE'];
      const mount = container.volumeMounts.find((m: any) => m.mountPath === dirname(file));
      expect(mount?.readOnly).toBe(true);
      const volume = ManifestSet.podSpec(deployment).volumes.find((v: any) => v.name === mount.name);
      expect(volume.secret).toEqual({ secretName: 'pimcp-registry-admin-key', items: [{ key: 'public-key.pem', path: file.slice(dirname(file).length + 1) }] });
    });

    it('renders the required kinds: 3 Deployments, 1 DaemonSet, Services, HPA, PDB, ConfigMaps, Secrets', () => {
      const names = (kind: string) => set.ofKind(kind).map((m) => m.metadata.name).sort();
      expect(names('Deployment')).toEqual(['pimcp-context-sync', 'pimcp-gateway', 'pimcp-registry']);
      expect(names('DaemonSet')).toEqual(['pimcp-edge-node']);
      expect(names('Service')).toEqual(['pimcp-context-sync', 'pimcp-etcd', 'pimcp-gateway', 'pimcp-redis', 'pimcp-registry']);
      expect(names('HorizontalPodAutoscaler')).toEqual(['pimcp-gateway']);
      expect(names('PodDisruptionBudget')).toEqual(['pimcp-gateway']);
      expect(names('ConfigMap')).toEqual(['pimcp-context-sync', 'pimcp-edge-node', 'pimcp-gateway', 'pimcp-registry']);
      expect(names('Secret')).toEqual(['pimcp-auth', 'pimcp-redis']);
      expect(names('StatefulSet')).toEqual(['pimcp-etcd', 'pimcp-redis']);
      expect(names('Certificate')).toEqual([]);
      expect(names('Ingress')).toEqual([]);
    });

    it('uses apiVersions that Kubernetes 1.28+ serves, and unique DNS-label names', () => {
      for (const m of set.manifests) {
        expect(`${m.kind} ${m.apiVersion}`).toBe(`${m.kind} ${API_VERSIONS[m.kind] ?? '(kind not expected)'}`);
        expect(m.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
      }
      const ids = set.manifests.map((m) => `${m.kind}/${m.metadata.name}`);
      expect(new Set(ids).size).toBe(ids.length);
    });

    it('labels everything with the standard app.kubernetes.io labels', () => {
      for (const m of set.manifests) {
        expect(m.metadata.labels).toMatchObject({
          'app.kubernetes.io/name': 'pimcp', 'app.kubernetes.io/instance': 'pimcp', 'app.kubernetes.io/managed-by': 'Helm',
          'helm.sh/chart': 'pimcp-0.1.0', 'app.kubernetes.io/version': '0.1.0',
        });
      }
    });

    it('runs every container non-root on a read-only root filesystem with no privilege escalation and no capabilities', () => {
      for (const workload of set.workloads()) {
        const pod = ManifestSet.podSpec(workload);
        expect({ workload: workload.metadata.name, automount: pod.automountServiceAccountToken }).toEqual({ workload: workload.metadata.name, automount: false });
        for (const container of ManifestSet.containers(workload)) {
          const security = effectiveSecurity(workload, container);
          expect({ container: container.name, ...security }).toMatchObject({
            container: container.name, runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'] },
          });
          expect(security['runAsUser']).toBeGreaterThan(0);
          expect(container.securityContext.capabilities.add).toBeUndefined();
        }
      }
    });

    it('makes the journal-permissions init container the only root process, able to chown and nothing else', () => {
      const initContainers = set.workloads().flatMap((w) => ManifestSet.initContainers(w).map((c) => ({ w, c })));
      expect(initContainers.map(({ w, c }) => `${w.metadata.name}/${c.name}`)).toEqual(['pimcp-edge-node/journal-permissions']);
      const [{ c }] = initContainers;
      expect(c.command).toEqual(['chown', '10001:10001', '/var/lib/pimcp']);
      expect(c.securityContext).toEqual({
        runAsNonRoot: false, runAsUser: 0, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'], add: ['CHOWN'] },
      });
      expect(c.volumeMounts).toEqual([{ name: 'journal', mountPath: '/var/lib/pimcp' }]);
    });

    it('gives every container cpu and memory requests', () => {
      for (const workload of set.workloads()) {
        for (const container of [...ManifestSet.containers(workload), ...ManifestSet.initContainers(workload)]) {
          expect({ container: container.name, requests: Object.keys(container.resources?.requests ?? {}).sort() }).toEqual({ container: container.name, requests: ['cpu', 'memory'] });
        }
      }
    });

    it('sizes gateway and edge-node memory from the RSS measured in docs/benchmarks.md', () => {
      const gateway = ManifestSet.container(set.get('Deployment', 'pimcp-gateway'), 'gateway').resources;
      const gatewayRss = benchmarkRss('gateway + registry (one process)');
      expect(mebibytes(gateway.requests.memory)).toBeGreaterThanOrEqual(gatewayRss.loaded);
      expect(mebibytes(gateway.limits.memory)).toBeGreaterThan(gatewayRss.loaded);
      const edge = ManifestSet.container(set.get('DaemonSet', 'pimcp-edge-node'), 'edge-node').resources;
      const edgeRss = benchmarkRss('edge node');
      expect(mebibytes(edge.requests.memory)).toBeGreaterThanOrEqual(edgeRss.idle);
      expect(mebibytes(edge.limits.memory)).toBeGreaterThan(edgeRss.loaded);
    });

    it('takes every image from values: repository and the chart appVersion as tag', () => {
      const images = set.workloads().flatMap((w) => ManifestSet.containers(w).map((c) => `${c.name}=${c.image}`)).sort();
      expect(images).toEqual([
        'context-sync=ghcr.io/pimcp/context-sync:0.1.0', 'edge-node=ghcr.io/pimcp/edge-node:0.1.0', 'etcd=quay.io/coreos/etcd:v3.5.21',
        'gateway=ghcr.io/pimcp/gateway:0.1.0', 'redis=redis:7.4', 'registry=ghcr.io/pimcp/registry:0.1.0',
      ]);
      const tagged = render({ image: { tag: '0.2.0' }, edgeNode: { image: { repository: 'example.org/edge', tag: 'arm64-test' } } });
      expect(ManifestSet.container(tagged.get('Deployment', 'pimcp-gateway'), 'gateway').image).toBe('ghcr.io/pimcp/gateway:0.2.0');
      expect(ManifestSet.container(tagged.get('DaemonSet', 'pimcp-edge-node'), 'edge-node').image).toBe('example.org/edge:arm64-test');
    });

    it.each(APP_WORKLOADS)('starts $app with settings its own config loader accepts, all of them known to it', ({ app, kind, name, container }) => {
      const env = set.environment(ManifestSet.container(set.get(kind, name), container), FIELDS);
      const pimcp = Object.keys(env).filter((k) => k.startsWith('PIMCP_'));
      const known = PimcpApps.variables(app);
      expect(pimcp.filter((k) => !known.has(k))).toEqual([]);
      expect(() => PimcpApps.load(app, env)).not.toThrow();
    });

    it('wires probes to health routes the apps serve, on the ports the apps listen on', () => {
      const expectations: { app: AppName; name: string; live: string; ready: string; portVariable: string }[] = [
        { app: 'gateway', name: 'pimcp-gateway', live: '/health/live', ready: '/health/ready', portVariable: 'PIMCP_GATEWAY_PORT' },
        { app: 'registry', name: 'pimcp-registry', live: '/health/live', ready: '/health/ready', portVariable: 'PIMCP_REGISTRY_HTTP_PORT' },
        { app: 'context-sync', name: 'pimcp-context-sync', live: '/health/live', ready: '/health/ready', portVariable: 'PIMCP_CONTEXT_SYNC_HTTP_PORT' },
      ];
      for (const { app, name, live, ready, portVariable } of expectations) {
        const workload = set.get('Deployment', name);
        const container = ManifestSet.containers(workload)[0];
        const routes = PimcpApps.getRoutes(app);
        const env = set.environment(container, FIELDS);
        for (const probe of [container.livenessProbe, container.readinessProbe, container.startupProbe]) {
          expect(routes.has(probe.httpGet.path)).toBe(true);
          const port = container.ports.find((p: any) => p.name === probe.httpGet.port);
          expect({ app, port: port?.containerPort }).toEqual({ app, port: Number(env[portVariable]) });
        }
        expect({ app, live: container.livenessProbe.httpGet.path, ready: container.readinessProbe.httpGet.path }).toEqual({ app, live, ready });
      }
    });

    it('probes the edge node on its TCP link port, the port it advertises to the registry', () => {
      const daemonSet = set.get('DaemonSet', 'pimcp-edge-node');
      const container = ManifestSet.container(daemonSet, 'edge-node');
      const env = set.environment(container, FIELDS);
      expect(container.ports).toEqual([{ name: 'link', containerPort: 7600, protocol: 'TCP' }, { name: 'metrics', containerPort: 9464, protocol: 'TCP' }]);
      expect(env['PIMCP_NODE_LINK_PORT']).toBe('7600');
      expect(container.livenessProbe.tcpSocket).toEqual({ port: 'link' });
      expect(container.readinessProbe.tcpSocket).toEqual({ port: 'link' });
    });

    it('points each Service at exactly one workload, through container ports that exist', () => {
      for (const service of set.ofKind('Service') as any[]) {
        const selected = set.selected(service.spec.selector);
        expect({ service: service.metadata.name, selected: selected.length }).toEqual({ service: service.metadata.name, selected: 1 });
        const portNames = ManifestSet.containers(selected[0]).flatMap((c) => (c.ports ?? []).map((p: any) => p.name));
        for (const port of service.spec.ports) expect(portNames).toContain(port.targetPort);
      }
      const registryPorts = (set.get('Service', 'pimcp-registry') as any).spec.ports.map((p: any) => `${p.name}:${p.port}`);
      expect(registryPorts).toEqual(['admin:8081', 'link:8082']);
    });

    it('scales the gateway with an HPA on CPU (which needs the requests) and keeps one pod through disruptions', () => {
      const hpa = set.get('HorizontalPodAutoscaler', 'pimcp-gateway') as any;
      expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'pimcp-gateway' });
      expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
      expect(hpa.spec.maxReplicas).toBeGreaterThanOrEqual(hpa.spec.minReplicas);
      expect(hpa.spec.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }]);
      // With an HPA the Deployment leaves replicas alone, or every upgrade would reset the HPA's count.
      expect((set.get('Deployment', 'pimcp-gateway') as any).spec.replicas).toBeUndefined();
      const pdb = set.get('PodDisruptionBudget', 'pimcp-gateway') as any;
      expect(pdb.spec.minAvailable).toBe(1);
      expect(set.selected(pdb.spec.selector.matchLabels).map((w) => w.metadata.name)).toEqual(['pimcp-gateway']);
    });

    it('runs registry and context-sync as 2 replicas electing a leader through etcd, each with its own replica id', () => {
      for (const [name, idVariable] of [['pimcp-registry', 'PIMCP_REGISTRY_REPLICA_ID'], ['pimcp-context-sync', 'PIMCP_CONTEXT_SYNC_REPLICA_ID']]) {
        const deployment = set.get('Deployment', name) as any;
        expect(deployment.spec.replicas).toBe(2);
        const container = ManifestSet.containers(deployment)[0];
        expect(set.environment(container, FIELDS)['PIMCP_ETCD_HOSTS']).toBe('http://pimcp-etcd:2379');
        expect(container.env.find((e: any) => e.name === idVariable).valueFrom.fieldRef.fieldPath).toBe('metadata.name');
      }
    });

    it('shares gateway sessions through Redis and points the gateway at etcd (its process refuses to start without)', () => {
      const env = set.environment(ManifestSet.container(set.get('Deployment', 'pimcp-gateway'), 'gateway'), FIELDS);
      expect(env['PIMCP_REDIS_URL']).toBe('redis://pimcp-redis:6379');
      expect(env['PIMCP_ETCD_HOSTS']).toBe('http://pimcp-etcd:2379');
      expect(env['PIMCP_GATEWAY_PUBLIC_URL']).toBe('http://pimcp-gateway.default.svc.cluster.local:8080/mcp');
      expect(env['PIMCP_GATEWAY_ALLOWED_HOSTS'].split(',')).toEqual(expect.arrayContaining(['pimcp-gateway', 'pimcp-gateway.default.svc.cluster.local', 'localhost']));
    });

    it('mounts the JWT public key from the Secret at the file the gateway reads', () => {
      const deployment = set.get('Deployment', 'pimcp-gateway');
      const container = ManifestSet.container(deployment, 'gateway');
      const file = set.environment(container, FIELDS)['PIMCP_GATEWAY_JWT_PUBLIC_KEY_FILE'];
      const mount = container.volumeMounts.find((m: any) => m.mountPath === dirname(file));
      expect(mount?.readOnly).toBe(true);
      const volume = ManifestSet.podSpec(deployment).volumes.find((v: any) => v.name === mount.name);
      expect(volume.secret.secretName).toBe('pimcp-auth');
      expect(volume.secret.items).toEqual([
        { key: 'jwt-public-key.pem', path: file.slice(dirname(file).length + 1) }, { key: 'invocation-key.pem', path: 'invocation-key.pem' },
      ]);
      expect(set.secretValue('pimcp-auth', 'jwt-public-key.pem')).toBe(JWT_PUBLIC_KEY);
    });

    it('gives the gateway its invocation signing key from the Secret and points the nodes at its invocation JWKS', () => {
      const gateway = ManifestSet.container(set.get('Deployment', 'pimcp-gateway'), 'gateway');
      expect(set.environment(gateway, FIELDS)['PIMCP_GATEWAY_INVOCATION_KEY_FILE']).toBe('/etc/pimcp/auth/invocation-key.pem');
      expect(set.secretValue('pimcp-auth', 'invocation-key.pem')).toBe(INVOCATION_KEY);
      const node = ManifestSet.container(set.get('DaemonSet', 'pimcp-edge-node'), 'edge-node');
      expect(set.environment(node, FIELDS)['PIMCP_NODE_INVOCATION_JWKS_URL']).toBe('http://pimcp-gateway:8080/.well-known/pimcp/invocation-jwks.json');
    });

    it('keeps secrets out of ConfigMaps', () => {
      for (const configMap of set.ofKind('ConfigMap') as any[]) {
        for (const [key, value] of Object.entries(configMap.data as Record<string, string>)) {
          expect(key).not.toMatch(/REDIS_URL|PASSWORD|SECRET|TOKEN|PRIVATE/);
          expect(value).not.toMatch(/-----BEGIN|:\/\/[^/\s]*:[^/\s]*@/);
        }
      }
    });

    it('schedules the edge-node DaemonSet on arm64 nodes, with its node id from the downward API', () => {
      const daemonSet = set.get('DaemonSet', 'pimcp-edge-node');
      expect(ManifestSet.podSpec(daemonSet).nodeSelector).toEqual({ 'kubernetes.io/arch': 'arm64' });
      const env = set.environment(ManifestSet.container(daemonSet, 'edge-node'), FIELDS);
      expect(env['PIMCP_NODE_ID']).toBe(FIELDS['spec.nodeName']);
      expect(env['PIMCP_NODE_ADVERTISE_HOST']).toBe(FIELDS['status.podIP']);
      expect(env['PIMCP_REGISTRY_URL']).toBe('tcp://pimcp-registry:8082');
      // The launch flags docs/benchmarks.md measured the idle node's RSS with (as the image sets them).
      expect(env['NODE_OPTIONS']).toBe('--max-semi-space-size=1');
    });

    it('keeps the edge node context journal on a hostPath volume, the one writable path besides /tmp', () => {
      const daemonSet = set.get('DaemonSet', 'pimcp-edge-node');
      const container = ManifestSet.container(daemonSet, 'edge-node');
      const journal = set.environment(container, FIELDS)['PIMCP_NODE_CONTEXT_JOURNAL'];
      const mount = container.volumeMounts.find((m: any) => journal.startsWith(`${m.mountPath}/`));
      const volume = ManifestSet.podSpec(daemonSet).volumes.find((v: any) => v.name === mount.name);
      expect(volume.hostPath).toEqual({ path: '/var/lib/pimcp', type: 'DirectoryOrCreate' });
      expect(container.volumeMounts.map((m: any) => m.mountPath).sort()).toEqual(['/tmp', '/var/lib/pimcp']);
    });

    it('bundles etcd (one member) and Redis (AOF, noeviction), running non-root on their volumes', () => {
      const etcd = ManifestSet.container(set.get('StatefulSet', 'pimcp-etcd'), 'etcd');
      expect(etcd.command).toEqual(expect.arrayContaining(['--advertise-client-urls=http://pimcp-etcd:2379', '--data-dir=/var/lib/etcd/data']));
      expect(etcd.readinessProbe.httpGet).toEqual({ path: '/health', port: 'client' });
      const redis = ManifestSet.container(set.get('StatefulSet', 'pimcp-redis'), 'redis');
      expect(redis.args[0]).toContain('--appendonly yes');
      expect(redis.args[0]).toContain('--maxmemory-policy noeviction');
      expect(redis.volumeMounts).toEqual([{ name: 'data', mountPath: '/data' }]);
      for (const name of ['pimcp-etcd', 'pimcp-redis']) {
        expect((set.get('StatefulSet', name) as any).spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('4Gi');
      }
    });

    it('announces every app\'s /metrics to Prometheus with pod annotations, on a port the container declares', () => {
      const expectations: { kind: string; name: string; portVariable: string }[] = [
        { kind: 'Deployment', name: 'pimcp-gateway', portVariable: 'PIMCP_GATEWAY_PORT' },
        { kind: 'Deployment', name: 'pimcp-registry', portVariable: 'PIMCP_REGISTRY_HTTP_PORT' },
        { kind: 'Deployment', name: 'pimcp-context-sync', portVariable: 'PIMCP_CONTEXT_SYNC_HTTP_PORT' },
        { kind: 'DaemonSet', name: 'pimcp-edge-node', portVariable: 'PIMCP_NODE_METRICS_PORT' },
      ];
      for (const { kind, name, portVariable } of expectations) {
        const workload = set.get(kind, name) as any;
        const container = ManifestSet.containers(workload)[0];
        const annotations = workload.spec.template.metadata.annotations;
        expect({ name, annotations }).toMatchObject({ name, annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/path': '/metrics', 'prometheus.io/scheme': 'http' } });
        const env = set.environment(container, FIELDS);
        expect({ name, port: annotations['prometheus.io/port'] }).toEqual({ name, port: env[portVariable] });
        expect(container.ports.map((p: any) => p.containerPort)).toContain(Number(env[portVariable]));
      }
      // The node's operator endpoint listens on all interfaces, or Prometheus could not reach it.
      const edge = set.environment(ManifestSet.container(set.get('DaemonSet', 'pimcp-edge-node'), 'edge-node'), FIELDS);
      expect(PimcpApps.load('edge-node', edge)).toMatchObject({ metricsHost: '0.0.0.0', metricsPort: 9464 });
      expect(PimcpApps.getRoutes('gateway').has('/metrics')).toBe(true);
      const off = render({ edgeNode: { metricsPort: 0 } }).get('DaemonSet', 'pimcp-edge-node') as any;
      expect(off.spec.template.metadata.annotations['prometheus.io/scrape']).toBeUndefined();
    });

    it('rolls pods when their ConfigMap changes (checksum annotation)', () => {
      const checksum = (s: ManifestSet) => (s.get('Deployment', 'pimcp-gateway') as any).spec.template.metadata.annotations['checksum/config'];
      expect(checksum(set)).toMatch(/^[0-9a-f]{64}$/);
      expect(checksum(render({ gateway: { callTimeoutMs: 30000 } }))).not.toBe(checksum(set));
    });
  });

  describe('options', () => {
    it('uses an external etcd and Redis instead of the bundled ones', () => {
      const set = render({
        etcd: { bundled: false, endpoints: ['http://etcd-0.etcd:2379', 'http://etcd-1.etcd:2379'] },
        redis: { bundled: false, url: 'rediss://:s3cret@redis.example.internal:6380/0' },
      });
      expect(set.ofKind('StatefulSet')).toEqual([]);
      expect(set.find('Service', 'pimcp-etcd')).toBeUndefined();
      expect(set.find('Service', 'pimcp-redis')).toBeUndefined();
      for (const { app, kind, name, container } of APP_WORKLOADS) {
        const env = set.environment(ManifestSet.container(set.get(kind, name), container), FIELDS);
        if (app !== 'edge-node') expect(env['PIMCP_ETCD_HOSTS']).toBe('http://etcd-0.etcd:2379,http://etcd-1.etcd:2379');
        if (app !== 'registry') expect(env['PIMCP_REDIS_URL']).toBe('rediss://:s3cret@redis.example.internal:6380/0');
        expect(() => PimcpApps.load(app, env)).not.toThrow();
      }
      expect(() => chart.render({ values: deepMerge(REQUIRED, { etcd: { bundled: false, endpoints: [] } }) })).toThrow(/etcd\/endpoints/);
    });

    it('reads Redis credentials from an existing Secret and then creates none', () => {
      const set = render({ redis: { existingSecret: 'my-redis' } });
      expect(set.ofKind('Secret').map((s) => s.metadata.name)).toEqual(['pimcp-auth']);
      const gateway = ManifestSet.container(set.get('Deployment', 'pimcp-gateway'), 'gateway');
      expect(gateway.env.find((e: any) => e.name === 'PIMCP_REDIS_URL').valueFrom.secretKeyRef).toEqual({ name: 'my-redis', key: 'url' });
    });

    it('protects the bundled Redis with a password kept in the Secret', () => {
      const set = render({ redis: { password: 'Zq9-long.password' } });
      expect(set.secretValue('pimcp-redis', 'url')).toBe('redis://:Zq9-long.password@pimcp-redis:6379');
      const redis = ManifestSet.container(set.get('StatefulSet', 'pimcp-redis'), 'redis');
      expect(redis.env.find((e: any) => e.name === 'REDIS_PASSWORD').valueFrom.secretKeyRef).toMatchObject({ name: 'pimcp-redis', key: 'password' });
      expect(redis.args[0]).toContain('--requirepass "$REDIS_PASSWORD"');
      expect(JSON.stringify(redis)).not.toContain('Zq9-long.password');
    });

    it('issues certificates with cert-manager only when asked, and serves the gateway ingress with one', () => {
      expect(render({ gateway: { ingress: { enabled: true, host: 'mcp.example.com' } } }).ofKind('Certificate')).toEqual([]);
      const set = render({
        certManager: { enabled: true, issuerRef: { name: 'letsencrypt' } },
        gateway: { ingress: { enabled: true, host: 'mcp.example.com', className: 'nginx' } },
      });
      const certificates = set.ofKind('Certificate') as any[];
      expect(certificates.map((c) => c.metadata.name).sort()).toEqual(['pimcp-gateway', 'pimcp-internal']);
      for (const certificate of certificates) expect(certificate.spec.issuerRef).toEqual({ name: 'letsencrypt', kind: 'ClusterIssuer', group: 'cert-manager.io' });
      const gatewayCertificate = certificates.find((c) => c.metadata.name === 'pimcp-gateway');
      expect(gatewayCertificate.spec.dnsNames).toEqual(['mcp.example.com']);
      const ingress = set.get('Ingress', 'pimcp-gateway') as any;
      expect(ingress.spec.tls).toEqual([{ hosts: ['mcp.example.com'], secretName: gatewayCertificate.spec.secretName }]);
      expect(ingress.spec.rules[0].http.paths[0]).toMatchObject({ path: '/mcp', backend: { service: { name: 'pimcp-gateway', port: { name: 'http' } } } });
      const internal = certificates.find((c) => c.metadata.name === 'pimcp-internal');
      expect(internal.spec.dnsNames).toEqual(expect.arrayContaining(['pimcp-registry', 'pimcp-registry.default.svc', 'pimcp-gateway.default.svc.cluster.local']));
      const env = set.environment(ManifestSet.container(set.get('Deployment', 'pimcp-gateway'), 'gateway'), FIELDS);
      expect(env['PIMCP_GATEWAY_PUBLIC_URL']).toBe('https://mcp.example.com/mcp');
      expect(env['PIMCP_GATEWAY_ALLOWED_HOSTS'].split(',')).toContain('mcp.example.com');
    });

    it('verifies registry admin tokens against a JWKS URL without mounting a key', () => {
      const set = render({ registry: { adminAuth: { publicKeySecret: '', jwksUrl: 'https://idp.example.test/jwks' } } });
      const deployment = set.get('Deployment', 'pimcp-registry');
      const env = set.environment(ManifestSet.container(deployment, 'registry'), FIELDS);
      expect(env).toMatchObject({ PIMCP_REGISTRY_ADMIN_AUTH: 'jwt', PIMCP_REGISTRY_ADMIN_JWKS_URL: 'https://idp.example.test/jwks' });
      expect(env['PIMCP_REGISTRY_ADMIN_PUBLIC_KEY_FILE']).toBeUndefined();
      expect(ManifestSet.podSpec(deployment).volumes.map((v: any) => v.name)).not.toContain('admin-auth');
    });

    it('leaves the registry admin API open only with registry.adminAuth.insecure: true', () => {
      const set = render({ registry: { adminAuth: { publicKeySecret: '', issuer: '', insecure: true } } });
      const deployment = set.get('Deployment', 'pimcp-registry');
      const env = set.environment(ManifestSet.container(deployment, 'registry'), FIELDS);
      expect(env['PIMCP_REGISTRY_ADMIN_AUTH']).toBe('none');
      expect(Object.keys(env).filter((k) => /ADMIN_(ISSUER|JWKS|PUBLIC_KEY)/.test(k))).toEqual([]);
      expect(ManifestSet.podSpec(deployment).volumes.map((v: any) => v.name)).not.toContain('admin-auth');
    });

    it('gives the gateway fixed replicas and no HPA when autoscaling is off', () => {
      const set = render({ gateway: { autoscaling: { enabled: false }, replicas: 3 } });
      expect(set.ofKind('HorizontalPodAutoscaler')).toEqual([]);
      expect((set.get('Deployment', 'pimcp-gateway') as any).spec.replicas).toBe(3);
    });

    it('links edge nodes through Redis: no listening port or TCP probe, the broker URL from the Secret', () => {
      const set = render({ edgeNode: { linkTransport: 'redis' } });
      const container = ManifestSet.container(set.get('DaemonSet', 'pimcp-edge-node'), 'edge-node');
      expect(container.ports.map((p: any) => p.name)).toEqual(['metrics']);
      expect(container.livenessProbe).toBeUndefined();
      const env = set.environment(container, FIELDS);
      expect(env['PIMCP_NODE_LINK_TRANSPORT']).toBe('redis');
      expect(env['PIMCP_NODE_LINK_REDIS_URL']).toBe('redis://pimcp-redis:6379');
      expect(() => PimcpApps.load('edge-node', env)).not.toThrow();
    });

    it('keeps the journal on an emptyDir without any root init container, and can run on other architectures', () => {
      const set = render({ edgeNode: { journal: { type: 'emptyDir' }, nodeSelector: { 'kubernetes.io/arch': 'amd64' }, nodeIdFrom: 'metadata.name' } });
      const daemonSet = set.get('DaemonSet', 'pimcp-edge-node');
      expect(ManifestSet.initContainers(daemonSet)).toEqual([]);
      expect(ManifestSet.podSpec(daemonSet).volumes.find((v: any) => v.name === 'journal')).toEqual({ name: 'journal', emptyDir: { sizeLimit: '64Mi' } });
      expect(ManifestSet.podSpec(daemonSet).nodeSelector).toEqual({ 'kubernetes.io/arch': 'amd64' });
      const env = set.environment(ManifestSet.container(daemonSet, 'edge-node'), FIELDS);
      expect(env['PIMCP_NODE_ID']).toBe(FIELDS['metadata.name']);
      expect(() => PimcpApps.load('edge-node', env)).not.toThrow();
    });

    it('leaves out context-sync and the edge nodes when disabled', () => {
      const set = render({ contextSync: { enabled: false }, edgeNode: { enabled: false } });
      expect(set.manifests.filter((m) => /context-sync|edge-node/.test(m.metadata.name))).toEqual([]);
    });

    it('prints large numbers in full (values are float64 in Helm), so the apps can parse them', () => {
      const set = render({ gateway: { maxBodyBytes: 67108864, callTimeoutMs: 3600000 }, edgeNode: { plugins: ['shell.run', 'log.tail'], pluginConfig: { 'log.tail': { logs: { app: '/var/log/app.log' } } }, labels: { tier: 'edge', region: 'tokyo' } } });
      const gateway = set.environment(ManifestSet.container(set.get('Deployment', 'pimcp-gateway'), 'gateway'), FIELDS);
      expect([gateway['PIMCP_GATEWAY_MAX_BODY_BYTES'], gateway['PIMCP_GATEWAY_CALL_TIMEOUT_MS']]).toEqual(['67108864', '3600000']);
      const edge = set.environment(ManifestSet.container(set.get('DaemonSet', 'pimcp-edge-node'), 'edge-node'), FIELDS);
      expect(PimcpApps.load('edge-node', edge)).toMatchObject({
        plugins: ['shell.run', 'log.tail'], pluginConfig: { 'log.tail': { logs: { app: '/var/log/app.log' } } }, labels: ['region=tokyo', 'tier=edge'],
      });
      expect(PimcpApps.load('gateway', gateway)).toMatchObject({ maxBodyBytes: 67108864, callTimeoutMs: 3600000 });
    });

    it('names resources after the release, shortened so pod names stay DNS labels', () => {
      expect(render({}, { releaseName: 'pimcp-prod' }).find('Deployment', 'pimcp-prod-gateway')).toBeDefined();
      expect(render({}, { releaseName: 'edge' }).find('Deployment', 'edge-pimcp-gateway')).toBeDefined();
      const long = render({}, { releaseName: 'a-very-long-release-name-for-the-pimcp-chart-in-staging' });
      for (const m of long.manifests) expect(m.metadata.name.length).toBeLessThanOrEqual(40 + '-context-sync'.length);
    });
  });

  describe('TLS (tls.enabled)', () => {
    const ISSUER = { enabled: true, issuerRef: { name: 'pimcp-ca' } };
    const TLS_VALUES = { tls: { enabled: true }, certManager: ISSUER, edgeNode: { nodeIdFrom: 'metadata.name' } };
    const SERVICES = APP_WORKLOADS.filter((w) => w.app !== 'edge-node');

    /** The volume behind the mount that holds `file`, and the mount. */
    function volumeOf(workload: Manifest, container: Container, file: string): { mount: any; volume: any } {
      const mount = container.volumeMounts.find((m: any) => file.startsWith(`${m.mountPath}/`));
      if (!mount) throw new Error(`${workload.metadata.name}: nothing is mounted where ${file} is`);
      return { mount, volume: ManifestSet.podSpec(workload).volumes.find((v: any) => v.name === mount.name) };
    }

    it('mounts each service\'s certificate read-only where PIMCP_TLS_* point, from the Secret cert-manager issues', () => {
      const set = render(TLS_VALUES);
      const internal = (set.get('Certificate', 'pimcp-internal') as any).spec.secretName;
      for (const { app, kind, name, container: containerName } of SERVICES) {
        const workload = set.get(kind, name);
        const container = ManifestSet.container(workload, containerName);
        const env = set.environment(container, FIELDS);
        expect({ app, ca: env['PIMCP_TLS_CA_FILE'], cert: env['PIMCP_TLS_CERT_FILE'], key: env['PIMCP_TLS_KEY_FILE'] })
          .toEqual({ app, ca: '/etc/pimcp/tls/ca.crt', cert: '/etc/pimcp/tls/tls.crt', key: '/etc/pimcp/tls/tls.key' });
        const { mount, volume } = volumeOf(workload, container, env['PIMCP_TLS_CERT_FILE']);
        expect({ app, readOnly: mount.readOnly, secret: volume.secret.secretName }).toEqual({ app, readOnly: true, secret: internal });
        expect(() => PimcpApps.load(app, env)).not.toThrow();
      }
    });

    it('serves the gateway over HTTPS: listener files, https public and JWKS URLs, HTTPS probes and scrapes everywhere', () => {
      const set = render(TLS_VALUES);
      const gateway = set.get('Deployment', 'pimcp-gateway');
      const env = set.environment(ManifestSet.container(gateway, 'gateway'), FIELDS);
      expect([env['PIMCP_GATEWAY_TLS_CERT_FILE'], env['PIMCP_GATEWAY_TLS_KEY_FILE']]).toEqual(['/etc/pimcp/listener-tls/tls.crt', '/etc/pimcp/listener-tls/tls.key']);
      expect(volumeOf(gateway, ManifestSet.container(gateway, 'gateway'), env['PIMCP_GATEWAY_TLS_CERT_FILE']).volume.secret.secretName).toBe('pimcp-internal-tls');
      expect(env['PIMCP_GATEWAY_PUBLIC_URL']).toBe('https://pimcp-gateway.default.svc.cluster.local:8080/mcp');
      expect((PimcpApps.load('gateway', env) as any).listenerCertFile).toBe('/etc/pimcp/listener-tls/tls.crt');
      const node = set.environment(ManifestSet.container(set.get('DaemonSet', 'pimcp-edge-node'), 'edge-node'), FIELDS);
      expect(node['PIMCP_NODE_INVOCATION_JWKS_URL']).toBe('https://pimcp-gateway:8080/.well-known/pimcp/invocation-jwks.json');
      // Node's fetch of that JWKS trusts the cluster CA through NODE_EXTRA_CA_CERTS (read at process start).
      expect(node['NODE_EXTRA_CA_CERTS']).toBe(node['PIMCP_TLS_CA_FILE']);
      for (const { kind, name } of SERVICES) {
        const workload = set.get(kind, name) as any;
        const container = ManifestSet.containers(workload)[0];
        const schemes = [container.livenessProbe, container.readinessProbe, container.startupProbe].map((probe) => probe.httpGet.scheme);
        expect({ name, schemes, scrape: workload.spec.template.metadata.annotations['prometheus.io/scheme'] }).toEqual({ name, schemes: ['HTTPS', 'HTTPS', 'HTTPS'], scrape: 'https' });
      }
      // The edge node's operator endpoint stays plain HTTP (it serves metrics and health only).
      expect((set.get('DaemonSet', 'pimcp-edge-node') as any).spec.template.metadata.annotations['prometheus.io/scheme']).toBe('http');
      const plain = ManifestSet.container(render().get('Deployment', 'pimcp-registry'), 'registry');
      expect(plain.livenessProbe.httpGet.scheme).toBe('HTTP');
      const notes = chart.render({ values: deepMerge(REQUIRED, TLS_VALUES) }).notes;
      expect(notes).toContain('https://pimcp-gateway:8080/mcp');
      expect(notes).toContain('https://pimcp-registry:8081/v1/catalog');
    });

    it('gives each edge-node pod its own certificate from the csi-driver, naming its node id as spiffe://pimcp/node/<pod name>', () => {
      const set = render(TLS_VALUES);
      const daemonSet = set.get('DaemonSet', 'pimcp-edge-node');
      const container = ManifestSet.container(daemonSet, 'edge-node');
      const env = set.environment(container, FIELDS);
      const { mount, volume } = volumeOf(daemonSet, container, env['PIMCP_TLS_CERT_FILE']);
      expect(mount.readOnly).toBe(true);
      expect(volume.csi).toMatchObject({ driver: 'csi.cert-manager.io', readOnly: true });
      const attributes = volume.csi.volumeAttributes;
      expect(attributes).toMatchObject({
        'csi.cert-manager.io/issuer-name': 'pimcp-ca', 'csi.cert-manager.io/issuer-kind': 'ClusterIssuer',
        'csi.cert-manager.io/uri-sans': 'spiffe://pimcp/node/${POD_NAME}', 'csi.cert-manager.io/fs-group': '10001',
        'csi.cert-manager.io/key-usages': expect.stringMatching(/server auth,client auth/),
      });
      // The files the node reads are the ones the driver writes.
      expect([attributes['csi.cert-manager.io/certificate-file'], attributes['csi.cert-manager.io/privatekey-file'], attributes['csi.cert-manager.io/ca-file']])
        .toEqual([env['PIMCP_TLS_CERT_FILE'], env['PIMCP_TLS_KEY_FILE'], env['PIMCP_TLS_CA_FILE']].map((f) => f.slice(mount.mountPath.length + 1)));
      // The id in the certificate is the id the node claims.
      expect(env['PIMCP_NODE_ID']).toBe(FIELDS['metadata.name']);
      expect(() => PimcpApps.load('edge-node', env)).not.toThrow();
    });

    it('takes per-service Secrets without cert-manager, and a separate listener certificate', () => {
      const set = render({
        tls: { enabled: true, existingSecrets: { gateway: 'gw-tls', registry: 'reg-tls', contextSync: 'cs-tls' }, listener: { existingSecret: 'public-tls' } },
        certManager: { issuerRef: { name: 'pimcp-ca' } }, edgeNode: { nodeIdFrom: 'metadata.name' },
      });
      expect(set.ofKind('Certificate')).toEqual([]);
      const secrets = Object.fromEntries(SERVICES.map(({ kind, name }) => [name, ManifestSet.podSpec(set.get(kind, name)).volumes.find((v: any) => v.name === 'tls').secret.secretName]));
      expect(secrets).toEqual({ 'pimcp-gateway': 'gw-tls', 'pimcp-registry': 'reg-tls', 'pimcp-context-sync': 'cs-tls' });
      expect(ManifestSet.podSpec(set.get('Deployment', 'pimcp-gateway')).volumes.find((v: any) => v.name === 'listener-tls').secret.secretName).toBe('public-tls');
    });

    it('keeps the gateway port on plain HTTP when TLS ends at the ingress (listener off), the cluster links still on mTLS', () => {
      const set = render({ ...TLS_VALUES, tls: { enabled: true, listener: { enabled: false } } });
      const container = ManifestSet.container(set.get('Deployment', 'pimcp-gateway'), 'gateway');
      const env = set.environment(container, FIELDS);
      expect(env['PIMCP_GATEWAY_TLS_CERT_FILE']).toBeUndefined();
      expect(env['PIMCP_TLS_CERT_FILE']).toBe('/etc/pimcp/tls/tls.crt');
      expect(container.readinessProbe.httpGet.scheme).toBe('HTTP');
      expect(container.volumeMounts.map((m: any) => m.name)).not.toContain('listener-tls');
    });

    it('refuses TLS values it cannot wire, naming the value to set', () => {
      expect(() => render({ tls: { enabled: true }, edgeNode: { nodeIdFrom: 'metadata.name' } })).toThrow(/tls\.existingSecrets\.(gateway|registry|contextSync) is required when tls\.enabled without certManager\.enabled/);
      expect(() => render({ tls: { enabled: true }, certManager: ISSUER })).toThrow(/set edgeNode\.nodeIdFrom=metadata\.name/);
      expect(() => render({ tls: { enabled: true, existingSecrets: { gateway: 'a', registry: 'b', contextSync: 'c' } }, edgeNode: { nodeIdFrom: 'metadata.name' } }))
        .toThrow(/certManager\.issuerRef\.name \(the cluster CA issuer\) is required/);
      expect(() => render({ etcd: { tls: { existingSecret: 'etcd-client' } } })).toThrow(/etcd\.tls and etcd\.auth apply to an external etcd/);
    });

    it('reaches an external etcd over TLS with a client certificate and a user per service', () => {
      const set = render({ etcd: { bundled: false, endpoints: ['https://etcd-0.etcd:2379'], tls: { existingSecret: 'etcd-client' }, auth: { existingSecret: 'etcd-users' } } });
      for (const { app, kind, name, container: containerName } of APP_WORKLOADS) {
        const workload = set.get(kind, name);
        const container = ManifestSet.container(workload, containerName);
        const user = container.env.find((e: any) => e.name === 'PIMCP_ETCD_USERNAME')?.valueFrom.secretKeyRef;
        const password = container.env.find((e: any) => e.name === 'PIMCP_ETCD_PASSWORD')?.valueFrom.secretKeyRef;
        const env = set.environment({ ...container, env: container.env.filter((e: any) => !e.name.startsWith('PIMCP_ETCD_')) }, FIELDS);
        if (app === 'edge-node') {
          expect({ app, user, ca: env['PIMCP_ETCD_TLS_CA_FILE'] }).toEqual({ app, user: undefined, ca: undefined });
          continue;
        }
        expect({ app, user, password }).toEqual({ app, user: { name: 'etcd-users', key: `${app}-username` }, password: { name: 'etcd-users', key: `${app}-password` } });
        expect([env['PIMCP_ETCD_TLS_CA_FILE'], env['PIMCP_ETCD_TLS_CERT_FILE'], env['PIMCP_ETCD_TLS_KEY_FILE']]).toEqual(['/etc/pimcp/etcd-tls/ca.crt', '/etc/pimcp/etcd-tls/tls.crt', '/etc/pimcp/etcd-tls/tls.key']);
        const { mount, volume } = volumeOf(workload, container, env['PIMCP_ETCD_TLS_CA_FILE']);
        expect({ app, readOnly: mount.readOnly, secret: volume.secret.secretName }).toEqual({ app, readOnly: true, secret: 'etcd-client' });
        expect(() => PimcpApps.load(app, { ...env, PIMCP_ETCD_USERNAME: 'u', PIMCP_ETCD_PASSWORD: 'p' })).not.toThrow();
      }
    });

    it('trusts a Redis CA (and client certificate) in gateway, context-sync and the edge nodes', () => {
      const set = render({ redis: { bundled: false, url: 'rediss://redis.example.internal:6380', tls: { existingSecret: 'redis-ca', clientCertificate: true } } });
      for (const { app, kind, name, container: containerName } of APP_WORKLOADS) {
        const workload = set.get(kind, name);
        const container = ManifestSet.container(workload, containerName);
        const env = set.environment(container, FIELDS);
        if (app === 'registry') {
          expect(env['PIMCP_REDIS_TLS_CA_FILE']).toBeUndefined();
          continue;
        }
        expect({ app, files: [env['PIMCP_REDIS_TLS_CA_FILE'], env['PIMCP_REDIS_TLS_CERT_FILE'], env['PIMCP_REDIS_TLS_KEY_FILE']] })
          .toEqual({ app, files: ['/etc/pimcp/redis-tls/ca.crt', '/etc/pimcp/redis-tls/tls.crt', '/etc/pimcp/redis-tls/tls.key'] });
        expect(volumeOf(workload, container, env['PIMCP_REDIS_TLS_CA_FILE']).volume.secret.secretName).toBe('redis-ca');
        expect(() => PimcpApps.load(app, env)).not.toThrow();
      }
    });
  });
});
