/**
 * The four deployable apps as the deploy checks need them: each app's own config loader (through its feature
 * lib's public entry, so a setting the chart or an image gets wrong fails the way the app would fail at boot)
 * and the HTTP GET routes its controllers declare (so probes point at routes that exist).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigDefinition, ConfigLoader } from '@pimcp/config';
import { contextSyncConfig } from '@pimcp/context-sync-server';
import { edgeNodeConfig } from '@pimcp/edge-node-server';
import { gatewayConfig } from '@pimcp/gateway-server';
import { loggingConfigDefinition } from '@pimcp/observability/logging';
import { registryConfig } from '@pimcp/registry-server';

export type AppName = 'gateway' | 'registry' | 'context-sync' | 'edge-node';

export interface PimcpApp {
  name: AppName;
  /** The feature lib that holds the app's server (controllers, config). */
  lib: string;
  config: ConfigLoader<ConfigDefinition>;
}

export const REPO_ROOT = join(__dirname, '../../..');

const APPS: readonly PimcpApp[] = [
  { name: 'gateway', lib: 'gateway-server', config: gatewayConfig as unknown as ConfigLoader<ConfigDefinition> },
  { name: 'registry', lib: 'registry-server', config: registryConfig as unknown as ConfigLoader<ConfigDefinition> },
  { name: 'context-sync', lib: 'context-sync-server', config: contextSyncConfig as unknown as ConfigLoader<ConfigDefinition> },
  { name: 'edge-node', lib: 'edge-node-server', config: edgeNodeConfig as unknown as ConfigLoader<ConfigDefinition> },
];

export class PimcpApps {
  static readonly names: readonly AppName[] = APPS.map((a) => a.name);

  static get(name: AppName): PimcpApp {
    const app = APPS.find((a) => a.name === name);
    if (!app) throw new Error(`unknown app ${name}`);
    return app;
  }

  /** Every PIMCP_* variable the app reads (plus PIMCP_CONFIG, the YAML file of the same settings). */
  static variables(name: AppName): Set<string> {
    // Every app also reads the shared logging settings (configureProcessLogging in its main).
    const logging = Object.values(loggingConfigDefinition).map((s) => s.env);
    return new Set([...Object.values(PimcpApps.get(name).config.definition).map((s) => s.env), ...logging, 'PIMCP_CONFIG']);
  }

  /** The default of the setting read from `variable`. */
  static defaultOf(name: AppName, variable: string): unknown {
    const setting = Object.values(PimcpApps.get(name).config.definition).find((s) => s.env === variable);
    if (!setting) throw new Error(`${name} has no setting ${variable}`);
    return setting.default;
  }

  /** Loads the app's config from these variables exactly as the app does at boot; throws its ConfigError. */
  static load(name: AppName, env: Record<string, string>): Record<string, unknown> {
    return PimcpApps.get(name).config.load({ env }) as Record<string, unknown>;
  }

  /** Paths of the GET routes declared by @Controller/@Get in the app's feature lib, e.g. /health/live. */
  static getRoutes(name: AppName): Set<string> {
    const routes = new Set<string>();
    // Each app's own lib, plus the shared observability module every HTTP app mounts (/metrics, /health/*).
    const files = [...walk(join(REPO_ROOT, 'libs', PimcpApps.get(name).lib, 'src')), ...walk(join(REPO_ROOT, 'libs', 'observability', 'src'))];
    for (const file of files) {
      if (!file.endsWith('.controller.ts')) continue;
      const source = readFileSync(file, 'utf8');
      const prefix = /@Controller\(\s*(?:'([^']*)')?\s*\)/.exec(source)?.[1] ?? '';
      for (const match of source.matchAll(/@Get\(\s*(?:'([^']*)')?\s*\)/g)) {
        routes.add(`/${[prefix, match[1] ?? ''].filter((p) => p).join('/')}`);
      }
    }
    return routes;
  }
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}
