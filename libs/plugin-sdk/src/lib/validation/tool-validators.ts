import { compileSchema, type ProblemFinder } from './schema-validator';
import type { ToolDefinition } from '../tool-definition';

export interface ToolValidators {
  arguments: ProblemFinder;
  structuredContent: ProblemFinder | undefined;
}

const cache = new WeakMap<ToolDefinition, ToolValidators>();

/** The compiled validators of one tool, compiled on its first call (ADR 0023). */
export function toolValidators(tool: ToolDefinition): ToolValidators {
  let validators = cache.get(tool);
  if (!validators) {
    validators = {
      arguments: compileSchema(tool.inputSchema, 'arguments', true),
      structuredContent: tool.outputSchema ? compileSchema(tool.outputSchema, 'structuredContent') : undefined,
    };
    cache.set(tool, validators);
  }
  return validators;
}
