/** Look-ups over rendered Kubernetes manifests: resources by kind and name, pod specs and their containers. */
import type { Manifest } from './helm-chart';

/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are untyped YAML; the checks say what they expect */
export type Container = Record<string, any>;
export type PodSpec = Record<string, any>;

export const WORKLOAD_KINDS = ['Deployment', 'DaemonSet', 'StatefulSet'] as const;

export class ManifestSet {
  constructor(readonly manifests: (Manifest & { source: string })[]) {}

  ofKind(kind: string): Manifest[] {
    return this.manifests.filter((m) => m.kind === kind);
  }

  find(kind: string, name: string): Manifest | undefined {
    return this.manifests.find((m) => m.kind === kind && m.metadata.name === name);
  }

  get(kind: string, name: string): Manifest {
    const found = this.find(kind, name);
    if (!found) throw new Error(`no ${kind} ${name}; rendered: ${this.manifests.map((m) => `${m.kind}/${m.metadata.name}`).join(', ')}`);
    return found;
  }

  workloads(): Manifest[] {
    return this.manifests.filter((m) => (WORKLOAD_KINDS as readonly string[]).includes(m.kind));
  }

  static podSpec(workload: Manifest): PodSpec {
    return (workload as any).spec.template.spec;
  }

  static podLabels(workload: Manifest): Record<string, string> {
    return (workload as any).spec.template.metadata.labels;
  }

  static containers(workload: Manifest): Container[] {
    return ManifestSet.podSpec(workload).containers;
  }

  static initContainers(workload: Manifest): Container[] {
    return ManifestSet.podSpec(workload).initContainers ?? [];
  }

  static container(workload: Manifest, name: string): Container {
    const found = ManifestSet.containers(workload).find((c) => c.name === name);
    if (!found) throw new Error(`${workload.metadata.name} has no container ${name}`);
    return found;
  }

  /** The workloads whose pod labels carry every label of the selector. */
  selected(selector: Record<string, string>): Manifest[] {
    return this.workloads().filter((w) => Object.entries(selector).every(([k, v]) => ManifestSet.podLabels(w)?.[k] === v));
  }

  /** A Secret's value under `key` from the chart's stringData (undefined when the chart did not create it). */
  secretValue(name: string, key: string): string | undefined {
    const secret = this.find('Secret', name) as any;
    return secret?.stringData?.[key];
  }

  /**
   * The environment a container starts with: its envFrom ConfigMaps, then env (secretKeyRef from the rendered
   * Secrets, fieldRef from `fields`, e.g. { 'spec.nodeName': 'pi-1' }). Throws on a reference that resolves to nothing.
   */
  environment(container: Container, fields: Record<string, string>): Record<string, string> {
    const env: Record<string, string> = {};
    for (const source of container.envFrom ?? []) {
      const name = source.configMapRef?.name;
      const configMap = this.get('ConfigMap', name) as any;
      Object.assign(env, configMap.data);
    }
    for (const entry of container.env ?? []) {
      if (entry.value !== undefined) env[entry.name] = String(entry.value);
      else if (entry.valueFrom?.secretKeyRef) {
        const { name, key, optional } = entry.valueFrom.secretKeyRef;
        const value = this.secretValue(name, key);
        if (value === undefined && !optional) throw new Error(`${container.name}: ${entry.name} refers to Secret ${name} key ${key}, which the chart does not create`);
        if (value !== undefined) env[entry.name] = value;
      } else if (entry.valueFrom?.fieldRef) {
        const value = fields[entry.valueFrom.fieldRef.fieldPath];
        if (value === undefined) throw new Error(`${container.name}: no sample value for fieldRef ${entry.valueFrom.fieldRef.fieldPath}`);
        env[entry.name] = value;
      } else {
        throw new Error(`${container.name}: env ${entry.name} has no value the check understands`);
      }
    }
    return env;
  }
}
