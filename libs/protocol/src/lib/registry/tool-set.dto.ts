import { ArrayMaxSize, ArrayMinSize, IsArray } from 'class-validator';

/** What a tool set may hold: shared by the gateway's YAML `toolSets` and the registry's `/v1/tool-sets` admin API. */
export const toolSetLimits = { nameMaxLength: 64, patterns: 1000, patternMaxLength: 512 } as const;

/** Letters, digits, `.`, `_`, `-`, starting with a letter or digit: a tool set name fits in a scope (`toolset:<name>`) and an etcd key. */
export const TOOL_SET_NAME_PATTERN = /^[A-Za-z0-9][\w.-]{0,63}$/;

/**
 * One entry: a tool-name glob (`shell.*`), or a scope (`tools:x`, `resources:<uri-glob>`, `prompts:<name-glob>`,
 * `context:read|write`). Never `toolset:<name>`: a set cannot name another set, so there are no cycles.
 */
export const TOOL_SET_ENTRY_PATTERN = /^(?:(?:tools|resources|prompts):\S+|context:(?:read|write)|[\w.*-]+)$/;

/** Body of `PUT /v1/tool-sets/<name>`; each entry is checked on its own afterwards so a problem names its index. */
export class ToolSetDto {
  @IsArray({ message: 'patterns must be a list such as ["shell.*", "prompts:review"]' })
  @ArrayMinSize(1, { message: 'patterns must hold at least one pattern; DELETE the tool set to remove it' })
  @ArrayMaxSize(toolSetLimits.patterns, { message: `patterns may hold at most ${toolSetLimits.patterns} entries` })
  patterns!: unknown[];
}
