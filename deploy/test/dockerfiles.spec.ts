import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Dockerfile, type Stage } from './support/dockerfile';
import { type AppName, PimcpApps, REPO_ROOT } from './support/pimcp-apps';

const DOCKER_DIR = join(REPO_ROOT, 'deploy/docker');
const BASE_IMAGE = 'node:24-slim';
const APP_UID = '10001';

/** What each image must expose and probe, from the apps' own defaults (and, for the edge node, the image's ENV). */
const IMAGES: { app: AppName; ports: string[]; health?: { route: string; portVariable: string } }[] = [
  { app: 'gateway', ports: ['PIMCP_GATEWAY_PORT'], health: { route: '/health/live', portVariable: 'PIMCP_GATEWAY_PORT' } },
  { app: 'registry', ports: ['PIMCP_REGISTRY_HTTP_PORT', 'PIMCP_REGISTRY_LINK_PORT'], health: { route: '/health/ready', portVariable: 'PIMCP_REGISTRY_HTTP_PORT' } },
  { app: 'context-sync', ports: ['PIMCP_CONTEXT_SYNC_HTTP_PORT'], health: { route: '/health/ready', portVariable: 'PIMCP_CONTEXT_SYNC_HTTP_PORT' } },
  { app: 'edge-node', ports: ['PIMCP_NODE_LINK_PORT'] },
];

function dockerfileOf(app: AppName): Dockerfile {
  return Dockerfile.read(join(DOCKER_DIR, `${app}.Dockerfile`));
}

function runs(stage: Stage): string[] {
  return Dockerfile.all(stage, 'RUN').map((i) => i.args);
}

describe(Dockerfile.name, () => {
  describe('parse', () => {
    it('reads directives, stages, continuations and both ENV forms', () => {
      const file = Dockerfile.parse([
        '# syntax=docker/dockerfile:1.7',
        '# a comment',
        'FROM --platform=$BUILDPLATFORM node:24-slim AS build',
        'RUN a \\',
        '  # dropped comment',
        '  && b',
        'FROM node:24-slim',
        'ENV A=1 B="two words"',
        'ENV C 3',
      ].join('\n'));
      expect(file.directives).toEqual({ syntax: 'docker/dockerfile:1.7' });
      expect(file.stages.map((s) => [s.platform, s.image, s.name])).toEqual([['$BUILDPLATFORM', 'node:24-slim', 'build'], [undefined, 'node:24-slim', undefined]]);
      expect(runs(file.stages[0])).toEqual(['a && b']);
      expect(Dockerfile.env(file.finalStage)).toEqual({ A: '1', B: 'two words', C: '3' });
    });
  });
});

describe('deploy/docker Dockerfiles', () => {
  describe.each(IMAGES)('$app.Dockerfile', ({ app, ports, health }) => {
    const file = dockerfileOf(app);
    const build = file.stage('build');
    const runtime = file.finalStage;
    const runtimeEnv = Dockerfile.env(runtime);

    it('builds in BuildKit syntax from node:24-slim in every stage, build stage first and runtime last', () => {
      expect(file.directives['syntax']).toMatch(/^docker\/dockerfile:1/);
      expect(file.stages.map((s) => s.image)).toEqual([BASE_IMAGE, BASE_IMAGE]);
      expect(file.stages.map((s) => s.name)).toEqual(['build', 'runtime']);
    });

    it('builds the app with npm ci and nx in the build stage, and installs only its production dependencies', () => {
      const commands = runs(build);
      expect(commands.some((c) => /\bnpm ci\b/.test(c) && !c.includes('--omit=dev'))).toBe(true);
      expect(commands).toContainEqual(expect.stringMatching(new RegExp(`npx nx run ${app}:build\\b`)));
      // webpack leaves node_modules external; the runtime needs exactly the bundle's production dependencies.
      expect(commands).toContainEqual(expect.stringMatching(new RegExp(`cd dist/apps/${app} && npm ci --omit=dev --ignore-scripts`)));
    });

    it('copies the bundle (with its node_modules) from the build stage, root-owned so the app cannot change it', () => {
      const copies = Dockerfile.all(runtime, 'COPY').map((c) => c.args);
      expect(copies).toContain(`--from=build /src/dist/apps/${app} /app`);
      expect(Dockerfile.all(runtime, 'WORKDIR').map((i) => i.args)).toEqual(['/app']);
      // The edge node's source maps (6 MB, its bundle holds its npm packages) would cost RSS on a board at every
      // start; operators set NODE_OPTIONS=--enable-source-maps while debugging (ADR 0023).
      const sourceMaps = app === 'edge-node' ? [] : ['--enable-source-maps'];
      expect(Dockerfile.execForm(Dockerfile.all(runtime, 'CMD')[0]?.args ?? '')).toEqual(['node', ...sourceMaps, 'main.js']);
    });

    it('runs as a numeric non-root USER (uid:gid 10001), set after the last COPY', () => {
      const users = Dockerfile.all(runtime, 'USER');
      expect(users.map((u) => u.args)).toEqual([`${APP_UID}:${APP_UID}`]);
      const lastCopy = Math.max(...Dockerfile.all(runtime, 'COPY').map((c) => c.line));
      expect(users[0].line).toBeGreaterThan(lastCopy);
    });

    it('has no RUN in the runtime stage (nothing to emulate for a foreign platform, nothing written into the image at start)', () => {
      expect(runs(runtime)).toEqual([]);
    });

    it('fetches nothing with ADD and keeps secrets out of ENV and ARG', () => {
      for (const stage of file.stages) {
        expect(Dockerfile.all(stage, 'ADD').filter((a) => /https?:\/\//.test(a.args))).toEqual([]);
        for (const [key, value] of Object.entries(Dockerfile.env(stage))) {
          expect(key).not.toMatch(/PASSWORD|SECRET|TOKEN|PRIVATE|REDIS_URL/);
          expect(value).not.toMatch(/:\/\/[^/\s]*:[^/\s]*@|-----BEGIN/);
        }
        for (const arg of Dockerfile.all(stage, 'ARG')) expect(arg.args).not.toMatch(/PASSWORD|SECRET|TOKEN|PRIVATE/i);
      }
    });

    it("sets only settings the app knows, and they pass the app's own config loader", () => {
      const pimcp = Object.keys(runtimeEnv).filter((k) => k.startsWith('PIMCP_'));
      const known = PimcpApps.variables(app);
      expect(pimcp.filter((k) => !known.has(k))).toEqual([]);
      // The one setting without a default (the edge node's id) comes from compose or the chart at run time.
      const env = app === 'edge-node' ? { ...runtimeEnv, PIMCP_NODE_ID: 'pi-test-1' } : runtimeEnv;
      expect(() => PimcpApps.load(app, env)).not.toThrow();
      expect(Object.entries(runtimeEnv).filter(([k, v]) => /_HOST$/.test(k) && k.startsWith('PIMCP_') && v !== '0.0.0.0')).toEqual([]);
    });

    it('EXPOSEs the ports the app listens on by default', () => {
      const exposed = Dockerfile.all(runtime, 'EXPOSE').flatMap((e) => e.args.split(/\s+/)).sort();
      // The image's ENV must not move a port away from the app's default (the edge node's default is 0: any port).
      const expected = ports.map((variable) => {
        const fallback = PimcpApps.defaultOf(app, variable);
        if (fallback !== 0) expect(runtimeEnv[variable]).toBe(String(fallback));
        return runtimeEnv[variable] ?? String(fallback);
      });
      expect(exposed).toEqual(expected.sort());
      expect(exposed.every((p) => /^[1-9]\d*$/.test(p))).toBe(true);
    });

    if (health) {
      it(`has a HEALTHCHECK on ${health.route}, a route the app serves, at the port it listens on`, () => {
        const checks = Dockerfile.all(runtime, 'HEALTHCHECK');
        expect(checks).toHaveLength(1);
        const command = Dockerfile.execForm(checks[0].args);
        expect(command?.slice(0, 2)).toEqual(['node', '-e']);
        const script = command?.[2] ?? '';
        expect(script).toContain(`'${health.route}'`);
        expect(PimcpApps.getRoutes(app).has(health.route)).toBe(true);
        expect(script).toContain(`process.env.${health.portVariable} || ${runtimeEnv[health.portVariable]}`);
        expect(checks[0].args).toMatch(/--interval=\d+s --timeout=\d+s/);
      });
    }
  });

  describe('edge-node.Dockerfile', () => {
    const file = dockerfileOf('edge-node');

    it('builds once on the build platform and assembles each target platform from it (multi-arch without emulation)', () => {
      expect(file.stage('build').platform).toBe('$BUILDPLATFORM');
      expect(file.finalStage.platform).toBe('$TARGETPLATFORM');
    });

    it('documents the buildx command for amd64 and arm64, here and in deploy/README.md', () => {
      const command = /docker buildx build --platform linux\/amd64,linux\/arm64[^\n]*-f deploy\/docker\/edge-node\.Dockerfile/;
      expect(readFileSync(file.path, 'utf8')).toMatch(command);
      expect(readFileSync(join(REPO_ROOT, 'deploy/README.md'), 'utf8')).toMatch(command);
    });

    it('declares the context journal directory a VOLUME, owned by the app user, and points the node at it', () => {
      const runtime = file.finalStage;
      expect(Dockerfile.all(runtime, 'VOLUME').map((v) => Dockerfile.execForm(v.args))).toEqual([['/var/lib/pimcp']]);
      expect(Dockerfile.env(runtime)['PIMCP_NODE_CONTEXT_JOURNAL']).toMatch(/^\/var\/lib\/pimcp\/[^/]+$/);
      expect(runs(file.stage('build'))).toContain(`install -d -o ${APP_UID} -g ${APP_UID} -m 0750 /state/pimcp`);
      expect(Dockerfile.all(runtime, 'COPY').map((c) => c.args)).toContain(`--from=build --chown=${APP_UID}:${APP_UID} /state/ /var/lib/`);
    });

    it('bounds the young generation through NODE_OPTIONS, the launch docs/benchmarks.md measured under the 80 MB budget', () => {
      expect(Dockerfile.env(file.finalStage)['NODE_OPTIONS']).toBe('--max-semi-space-size=1');
      expect(readFileSync(join(REPO_ROOT, 'docs/benchmarks.md'), 'utf8')).toContain('`--max-semi-space-size=1`');
    });

    it('checks the TCP link in its HEALTHCHECK (no HTTP endpoint), and passes with the Redis link, which listens on nothing', () => {
      const script = Dockerfile.execForm(Dockerfile.all(file.finalStage, 'HEALTHCHECK')[0].args)?.[2] ?? '';
      expect(script).toContain("require('node:net').connect(Number(process.env.PIMCP_NODE_LINK_PORT || 7600), '127.0.0.1')");
      expect(script).toContain("process.env.PIMCP_NODE_LINK_TRANSPORT === 'redis'");
    });

    it('has pure JavaScript production dependencies only, so one node_modules serves amd64 and arm64', () => {
      const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, Record<string, unknown>> };
      const native = Object.entries(lock.packages)
        .filter(([path, meta]) => path && !meta['dev'] && (meta['hasInstallScript'] || meta['gypfile'] || meta['os'] || meta['cpu']))
        .map(([path]) => path.replace(/^.*node_modules\//, ''));
      // protobufjs's install script only checks versions of its optional CLI; the images install with --ignore-scripts.
      expect(native).toEqual(['protobufjs']);
    });
  });

  describe('build context', () => {
    it.each(IMAGES.map((i) => i.app))('keeps node_modules, dist, .git and the dev keys in .pimcp out of the %s build context', (app) => {
      const ignore = join(DOCKER_DIR, `${app}.Dockerfile.dockerignore`);
      expect(existsSync(ignore)).toBe(true);
      const patterns = readFileSync(ignore, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
      expect(patterns).toEqual(expect.arrayContaining(['**/node_modules', 'dist', '.git', '.pimcp', '**/.pimcp']));
    });
  });
});
