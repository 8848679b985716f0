import type { PluginContents } from '@pimcp/plugin-sdk';
import type { AiInferConfig } from './ai-infer.config';
import { aiInferTool } from './ai-infer.tool';

/** The `ai.infer` plugin; without a config it offers nothing (deny by default). */
export function aiInferPlugin(config: AiInferConfig | undefined): PluginContents {
  return { tools: config ? [aiInferTool(config)] : [] };
}
