// class-transformer's @Type reads design-time metadata.
import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, IsArray, IsObject, IsOptional, IsString, Matches, MaxLength, ValidateNested,
} from 'class-validator';
import { CapabilityDefinitionDto } from './capability-definition.dto';
import { PromptDefinitionDto, ResourceDefinitionDto, ResourceTemplateDefinitionDto } from './offering-definitions.dto';
import { LINK_ADDRESS_PATTERN, manifestLimits, NODE_ID_PATTERN } from './manifest-limits';

/** What a node sends when it joins: who it is, where to reach it, what it offers. */
export class NodeManifestDto {
  @IsString() @MaxLength(manifestLimits.nodeIdMaxLength)
  @Matches(NODE_ID_PATTERN, {
    message: 'nodeId must be lowercase letters, digits and "-" (a DNS label, no dots), e.g. "pi-kitchen-1"',
  })
  nodeId!: string;

  /** Free-form placement labels: region, tier (edge|cloud), arch, gpu, ... Checked in validateNodeManifest. */
  @IsObject({ message: 'labels must be an object of string values, e.g. {"tier":"edge"}' })
  labels!: Record<string, string>;

  @IsString() @MaxLength(manifestLimits.linkAddressMaxLength)
  @Matches(LINK_ADDRESS_PATTERN, {
    message: 'linkAddress must be a URL with scheme tcp, tls, redis or rediss, e.g. "tcp://10.0.0.5:7600"',
  })
  linkAddress!: string;

  @IsArray() @ArrayMaxSize(manifestLimits.capabilitiesPerNode)
  @ValidateNested({ each: true }) @Type(() => CapabilityDefinitionDto)
  capabilities!: CapabilityDefinitionDto[];

  /** Fixed resources (MCP resources/list); federated by URI across nodes. */
  @IsOptional() @IsArray() @ArrayMaxSize(manifestLimits.resourcesPerNode)
  @ValidateNested({ each: true }) @Type(() => ResourceDefinitionDto)
  resources?: ResourceDefinitionDto[];

  @IsOptional() @IsArray() @ArrayMaxSize(manifestLimits.resourceTemplatesPerNode)
  @ValidateNested({ each: true }) @Type(() => ResourceTemplateDefinitionDto)
  resourceTemplates?: ResourceTemplateDefinitionDto[];

  /** Prompt templates (MCP prompts/list); federated by name across nodes. */
  @IsOptional() @IsArray() @ArrayMaxSize(manifestLimits.promptsPerNode)
  @ValidateNested({ each: true }) @Type(() => PromptDefinitionDto)
  prompts?: PromptDefinitionDto[];
}
