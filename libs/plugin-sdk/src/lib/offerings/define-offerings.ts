import type { PromptDefinition, ResourceDefinition, ResourceTemplateDefinition } from '@pimcp/protocol';
import { checkAgainstManifest } from '../validation/check-against-manifest';
import type { PromptSpec, ResourceSpec, ResourceTemplateSpec } from './offering-definitions';

/**
 * Declares a resource, checked with the registry's own rules so a mistake fails when the plugin
 * loads (INVALID_MANIFEST naming the field) rather than when the node joins.
 */
export function defineResource(spec: ResourceSpec): ResourceSpec {
  requireFunction(spec.read, `resource "${String(spec.uri)}" needs a read function`);
  checkAgainstManifest({ resources: [toResourceDefinition(spec)] });
  return spec;
}

export function defineResourceTemplate(spec: ResourceTemplateSpec): ResourceTemplateSpec {
  requireFunction(spec.read, `resource template "${String(spec.uriTemplate)}" needs a read function`);
  checkAgainstManifest({ resourceTemplates: [toResourceTemplateDefinition(spec)] });
  return spec;
}

export function definePrompt(spec: PromptSpec): PromptSpec {
  requireFunction(spec.get, `prompt "${String(spec.name)}" needs a get function`);
  checkAgainstManifest({ prompts: [toPromptDefinition(spec)] });
  return spec;
}

/** The manifest entries: definitions without handlers. */
export function toResourceDefinition(spec: ResourceSpec): ResourceDefinition {
  const { uri, name, title, description, mimeType, size } = spec;
  return stripUndefined({ uri, name, title, description, mimeType, size }) as ResourceDefinition;
}

export function toResourceTemplateDefinition(spec: ResourceTemplateSpec): ResourceTemplateDefinition {
  const { uriTemplate, name, title, description, mimeType } = spec;
  return stripUndefined({ uriTemplate, name, title, description, mimeType }) as ResourceTemplateDefinition;
}

export function toPromptDefinition(spec: PromptSpec): PromptDefinition {
  const { name, title, description } = spec;
  const args = spec.arguments?.map((a) => stripUndefined({ name: a.name, description: a.description, required: a.required }));
  return stripUndefined({ name, title, description, arguments: args }) as PromptDefinition;
}

function requireFunction(value: unknown, message: string): void {
  if (typeof value !== 'function') throw new TypeError(message);
}

function stripUndefined<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
