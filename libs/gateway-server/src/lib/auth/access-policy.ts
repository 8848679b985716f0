import type { AuthInfo } from '@modelcontextprotocol/server';
import type { ToolCatalog } from '../calls/tool-catalog.port';
import { isContextUri } from '../contexts/context-uri';
import { type Capability, ScopeGrants, type ToolSets } from './scope-grants';

/** The gateway's own context tools and the access each needs (the rest of the gateway's tools are plain tools). */
const CONTEXT_TOOLS: Readonly<Record<string, 'read' | 'write'>> = { 'context.get': 'read', 'context.list': 'read', 'context.put': 'write' };
const GRANTS_CACHE_SIZE = 1000;
/** Runs another tool on many nodes (calls/cluster-map.tool.ts): the caller needs that tool's scope too. */
const CLUSTER_MAP_TOOL = 'cluster.map';

/**
 * Maps requests to the capability they touch, and tokens to what they may touch. Tool sets can change at run time
 * (YAML at boot, the registry's admin API later); compiled grants are cached per distinct scope string.
 */
export class AccessPolicy {
  private readonly cache = new Map<string, ScopeGrants>();
  private toolSets: ToolSets;

  constructor(private readonly tools: Pick<ToolCatalog, 'resolve'>, private readonly baseToolSets: ToolSets, overrides: ToolSets = new Map()) {
    this.toolSets = merge(baseToolSets, overrides);
  }

  get currentToolSets(): ToolSets {
    return this.toolSets;
  }

  /** Tool sets from the admin API replace the YAML ones of the same name. */
  setToolSetOverrides(overrides: ToolSets): void {
    this.toolSets = merge(this.baseToolSets, overrides);
    this.cache.clear();
  }

  grantsOf(auth: AuthInfo | undefined): ScopeGrants {
    const scopes = auth?.scopes ?? [];
    const key = scopes.join(' ');
    let grants = this.cache.get(key);
    if (!grants) {
      if (this.cache.size >= GRANTS_CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
      grants = new ScopeGrants(scopes, this.toolSets);
      this.cache.set(key, grants);
    }
    return grants;
  }

  /** A tool name as called or listed: `<node-id>.<tool>` aliases need the scope of the tool itself. */
  toolCapability(name: string, capabilityName?: string): Capability {
    const access = CONTEXT_TOOLS[name];
    if (access) return { kind: 'context', access };
    return { kind: 'tool', name: capabilityName ?? this.tools.resolve(name)?.capabilityName ?? name };
  }

  resourceCapability(uri: string): Capability {
    return isContextUri(uri) ? { kind: 'context', access: 'read' } : { kind: 'resource', uri };
  }

  /**
   * The capabilities a JSON-RPC request touches (all are needed); empty for requests every authenticated client may
   * make (initialize, lists, ping, ...). `cluster.map` also needs the tool it runs on each node.
   */
  requestCapabilities(method: string, params: unknown): Capability[] {
    const p = record(params);
    switch (method) {
      case 'tools/call': {
        const name = text(p['name']);
        const inner = name === CLUSTER_MAP_TOOL ? text(record(p['arguments'])['tool']) : '';
        return [this.toolCapability(name), ...(inner ? [this.toolCapability(inner)] : [])];
      }
      case 'resources/read':
      case 'resources/subscribe':
        return [this.resourceCapability(text(p['uri']))];
      case 'prompts/get':
        return [{ kind: 'prompt', name: text(p['name']) }];
      case 'completion/complete': {
        const ref = record(p['ref']);
        return [ref['type'] === 'ref/prompt' ? { kind: 'prompt', name: text(ref['name']) } : this.resourceCapability(text(ref['uri']))];
      }
      default:
        return [];
    }
  }

  /** The first capability of the request `auth` is not allowed, or undefined when all are allowed. */
  firstDenied(auth: AuthInfo | undefined, method: string, params: unknown): Capability | undefined {
    const grants = this.grantsOf(auth);
    return this.requestCapabilities(method, params).find((capability) => !grants.allows(capability));
  }
}

function record(v: unknown): Record<string, unknown> {
  return (v && typeof v === 'object' && !Array.isArray(v) ? v : {}) as Record<string, unknown>;
}

function text(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function merge(base: ToolSets, overrides: ToolSets): ToolSets {
  return new Map([...base, ...overrides]);
}
