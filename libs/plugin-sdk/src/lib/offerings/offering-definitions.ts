import type {
  CallerIdentity, PromptDefinition, ResourceDefinition, ResourceTemplateDefinition,
} from '@pimcp/protocol';
import type { ToolDefinition, ToolLogger } from '../tool-definition';

/** What a resource, prompt or completion handler gets. */
export interface OfferingContext {
  /** Aborted when the caller cancels, the deadline passes, or the node shuts down. */
  signal: AbortSignal;
  requestId: string;
  caller: CallerIdentity;
  deadline: number;
  logger: ToolLogger;
}

/** One item of an MCP ReadResourceResult: `text` or base64 `blob`. */
export interface ResourceContents {
  uri: string;
  mimeType?: string;
  text?: string;
  blob?: string;
  [key: string]: unknown;
}

export interface ResourceReadResult {
  contents: ResourceContents[];
  [key: string]: unknown;
}

/** An MCP GetPromptResult as plain JSON; every content type passes through unchanged. */
export interface PromptResult {
  description?: string;
  messages: Array<{ role: 'user' | 'assistant'; content: Record<string, unknown> }>;
  [key: string]: unknown;
}

/** Suggests values for one argument from what the user typed so far (MCP completion/complete). */
export type ArgumentCompleter = (value: string, context: OfferingContext) => Promise<string[]> | string[];

export interface ResourceSpec extends ResourceDefinition {
  read(context: OfferingContext): Promise<ResourceReadResult>;
}

export interface ResourceTemplateSpec extends ResourceTemplateDefinition {
  /** `variables` are the template's variables as matched in `uri` (RFC 6570). */
  read(uri: string, variables: Record<string, string | string[]>, context: OfferingContext): Promise<ResourceReadResult>;
  /** Completers per template variable. */
  complete?: Record<string, ArgumentCompleter>;
}

export interface PromptSpec extends PromptDefinition {
  /** Required arguments are checked before this runs. */
  get(args: Record<string, string>, context: OfferingContext): Promise<PromptResult>;
  /** Completers per argument name. */
  complete?: Record<string, ArgumentCompleter>;
}

/** Everything a plugin contributes to a node. */
export interface PluginContents {
  tools?: ToolDefinition[];
  resources?: ResourceSpec[];
  resourceTemplates?: ResourceTemplateSpec[];
  prompts?: PromptSpec[];
  /** Awaited before the node joins the registry (for example, loading an index from disk); a rejection stops the boot. */
  ready?(): Promise<void>;
  /** Called once when the node stops, after in-flight calls have finished: release files and connections. */
  close?(): Promise<void> | void;
  /**
   * For plugins whose offerings change at run time (a bridged MCP server's list_changed): the node calls this once
   * after ready() with a listener; on each call of the listener it reads the lists above again and re-publishes
   * its manifest. Plugins with fixed offerings leave it out.
   */
  onOfferingsChanged?(listener: () => void): void;
}
