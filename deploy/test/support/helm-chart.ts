/**
 * What `helm template` does for this chart, without Helm: merge values over values.yaml, validate them against
 * values.schema.json, render every template with GoTemplateRenderer and parse the YAML documents.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { GoTemplateRenderer } from './go-template-renderer';

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

export interface RenderOptions {
  /** Like `-f my-values.yaml`: merged over values.yaml (maps merge, lists and scalars replace, null removes). */
  values?: Record<string, unknown>;
  releaseName?: string;
  namespace?: string;
}

export interface RenderedChart {
  manifests: (Manifest & { source: string })[];
  notes: string;
  values: Record<string, unknown>;
}

export class HelmChart {
  private readonly validate: ValidateFunction;

  private constructor(
    readonly dir: string,
    readonly chart: Record<string, unknown>,
    readonly defaults: Record<string, unknown>,
    readonly schema: Record<string, unknown>,
    readonly templateFiles: string[],
  ) {
    this.validate = new Ajv({ allErrors: true, strict: true }).compile(schema);
  }

  static load(dir: string): HelmChart {
    const chart = parseYaml(readFileSync(join(dir, 'Chart.yaml'), 'utf8')) as Record<string, unknown>;
    const defaults = parseYaml(readFileSync(join(dir, 'values.yaml'), 'utf8')) as Record<string, unknown>;
    const schema = JSON.parse(readFileSync(join(dir, 'values.schema.json'), 'utf8')) as Record<string, unknown>;
    const templateFiles = readdirSync(join(dir, 'templates')).sort();
    return new HelmChart(dir, chart, defaults, schema, templateFiles);
  }

  /** Schema problems of a values object, as "path message" lines (empty when valid). */
  problems(values: Record<string, unknown>): string[] {
    return this.validate(values) ? [] : (this.validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
  }

  render(options: RenderOptions = {}): RenderedChart {
    const values = mergeValues(structuredClone(this.defaults), options.values ?? {});
    const problems = this.problems(values);
    if (problems.length > 0) throw new Error(`values don't meet values.schema.json:\n${problems.join('\n')}`);
    const name = String(this.chart['name']);
    const renderer = new GoTemplateRenderer();
    const path = (file: string) => `${name}/templates/${file}`;
    for (const file of this.templateFiles) renderer.addFile(path(file), readFileSync(join(this.dir, 'templates', file), 'utf8'));
    const context = (file: string) => ({
      Values: values,
      Release: { Name: options.releaseName ?? 'pimcp', Namespace: options.namespace ?? 'default', Service: 'Helm', IsInstall: true, IsUpgrade: false, Revision: 1 },
      Chart: { Name: name, Version: this.chart['version'], AppVersion: this.chart['appVersion'], KubeVersion: this.chart['kubeVersion'] },
      Template: { Name: path(file), BasePath: `${name}/templates` },
    });
    const manifests: RenderedChart['manifests'] = [];
    let notes = '';
    // Helm renders every file except partials (a leading underscore); NOTES.txt is text, the rest YAML.
    for (const file of this.templateFiles.filter((f) => !f.startsWith('_'))) {
      const text = renderer.render(path(file), context(file));
      if (file === 'NOTES.txt') {
        notes = text;
        continue;
      }
      for (const document of parseAllDocuments(text)) {
        if (document.errors.length > 0) throw new Error(`${file}: rendered YAML does not parse: ${document.errors[0].message}\n${text}`);
        const manifest = document.toJS() as Manifest | null;
        if (manifest === null) continue;
        manifests.push({ ...manifest, source: file });
      }
    }
    return { manifests, notes, values };
  }
}

function mergeValues(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
  for (const [key, value] of Object.entries(override)) {
    const current = base[key];
    if (value === null) delete base[key];
    else if (isMap(current) && isMap(value)) base[key] = mergeValues(current, value);
    else base[key] = value;
  }
  return base;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
