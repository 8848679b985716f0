/**
 * What a token's scopes allow (ADR 0012). Grammar: `tools:<name-glob>`, `resources:<uri-glob>`,
 * `prompts:<name-glob>`, `context:read`, `context:write`, `toolset:<name>`; `*` in a glob matches any run of characters.
 */
export type Capability =
  | { kind: 'tool'; name: string }
  | { kind: 'resource'; uri: string }
  | { kind: 'prompt'; name: string }
  | { kind: 'context'; access: 'read' | 'write' };

/** Named tool sets: each entry is a tool-name glob (`shell.*`) or a full scope (`prompts:review`). */
export type ToolSets = ReadonlyMap<string, readonly string[]>;

export const CONTEXT_READ_SCOPE = 'context:read';
export const CONTEXT_WRITE_SCOPE = 'context:write';

/** Every scope this gateway understands, in the grammar above (announced in the Protected Resource Metadata). */
export function scopesSupported(toolSets: ToolSets): string[] {
  return ['tools:*', 'resources:*', 'prompts:*', CONTEXT_READ_SCOPE, CONTEXT_WRITE_SCOPE, ...[...toolSets.keys()].sort().map((n) => `toolset:${n}`)];
}

/** The one scope to ask for to be allowed `capability` (named in 403 insufficient_scope). */
export function scopeFor(capability: Capability): string {
  switch (capability.kind) {
    case 'tool':
      return `tools:${capability.name}`;
    case 'resource':
      return `resources:${capability.uri}`;
    case 'prompt':
      return `prompts:${capability.name}`;
    case 'context':
      return capability.access === 'read' ? CONTEXT_READ_SCOPE : CONTEXT_WRITE_SCOPE;
  }
}

/** A token's scopes compiled once: deny by default, allow what a scope (or a tool set it names) matches. */
export class ScopeGrants {
  private readonly tools: RegExp[] = [];
  private readonly resources: RegExp[] = [];
  private readonly prompts: RegExp[] = [];
  private readonly context = { read: false, write: false };

  constructor(scopes: readonly string[], toolSets: ToolSets) {
    for (const scope of scopes) this.grant(scope, toolSets, true);
  }

  allows(capability: Capability): boolean {
    switch (capability.kind) {
      case 'tool':
        return this.tools.some((re) => re.test(capability.name));
      case 'resource':
        return this.resources.some((re) => re.test(capability.uri));
      case 'prompt':
        return this.prompts.some((re) => re.test(capability.name));
      case 'context':
        return this.context[capability.access];
    }
  }

  private grant(scope: string, toolSets: ToolSets, expandSets: boolean): void {
    const colon = scope.indexOf(':');
    const kind = colon < 0 ? '' : scope.slice(0, colon);
    const value = colon < 0 ? '' : scope.slice(colon + 1);
    if (kind === 'tools' && value) this.tools.push(glob(value));
    else if (kind === 'resources' && value) this.resources.push(glob(value));
    else if (kind === 'prompts' && value) this.prompts.push(glob(value));
    else if (scope === CONTEXT_READ_SCOPE) this.context.read = true;
    else if (scope === CONTEXT_WRITE_SCOPE) this.context.write = true;
    // A set names patterns, never other sets: no cycles to guard against.
    else if (kind === 'toolset' && expandSets) {
      for (const entry of toolSets.get(value) ?? []) this.grant(entry.includes(':') ? entry : `tools:${entry}`, toolSets, false);
    }
    // Anything else (openid, offline_access, another resource's scopes) grants nothing here.
  }
}

function glob(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}
