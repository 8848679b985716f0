// class-transformer's @Type reads design-time metadata.
import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, IsArray, IsBoolean, IsInt, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, Min, ValidateNested,
} from 'class-validator';
import { manifestLimits, PROMPT_NAME_PATTERN, RESOURCE_URI_PATTERN } from './manifest-limits';

/** A fixed resource a node serves (MCP `Resource`): listed as is, read through the node link. */
export class ResourceDefinitionDto {
  @IsString() @MaxLength(manifestLimits.uriMaxLength)
  @Matches(RESOURCE_URI_PATTERN, { message: 'uri must be an absolute URI with a scheme, e.g. "file:///logs/app.log" or "pi://sensors/temp"' })
  uri!: string;

  @IsString() @IsNotEmpty() @MaxLength(manifestLimits.offeringNameMaxLength)
  name!: string;

  @IsOptional() @IsString() @MaxLength(manifestLimits.titleMaxLength)
  title?: string;

  @IsOptional() @IsString() @MaxLength(manifestLimits.descriptionMaxLength)
  description?: string;

  @IsOptional() @IsString() @MaxLength(manifestLimits.mimeTypeMaxLength)
  mimeType?: string;

  @IsOptional() @IsInt() @Min(0)
  size?: number;
}

/** A family of resources named by an RFC 6570 URI template (MCP `ResourceTemplate`). */
export class ResourceTemplateDefinitionDto {
  @IsString() @MaxLength(manifestLimits.uriMaxLength)
  @Matches(RESOURCE_URI_PATTERN, { message: 'uriTemplate must be an absolute URI template, e.g. "pi://sensors/{name}"' })
  uriTemplate!: string;

  @IsString() @IsNotEmpty() @MaxLength(manifestLimits.offeringNameMaxLength)
  name!: string;

  @IsOptional() @IsString() @MaxLength(manifestLimits.titleMaxLength)
  title?: string;

  @IsOptional() @IsString() @MaxLength(manifestLimits.descriptionMaxLength)
  description?: string;

  @IsOptional() @IsString() @MaxLength(manifestLimits.mimeTypeMaxLength)
  mimeType?: string;
}

export class PromptArgumentDto {
  @IsString() @IsNotEmpty() @MaxLength(manifestLimits.offeringNameMaxLength)
  name!: string;

  @IsOptional() @IsString() @MaxLength(manifestLimits.descriptionMaxLength)
  description?: string;

  @IsOptional() @IsBoolean()
  required?: boolean;
}

/** A prompt template a node serves (MCP `Prompt`); prompts/get runs on the node. */
export class PromptDefinitionDto {
  @IsString() @MaxLength(manifestLimits.offeringNameMaxLength)
  @Matches(PROMPT_NAME_PATTERN, { message: 'prompt names are letters, digits, "_", "-" and ".", e.g. "summarize_logs"' })
  name!: string;

  @IsOptional() @IsString() @MaxLength(manifestLimits.titleMaxLength)
  title?: string;

  @IsOptional() @IsString() @MaxLength(manifestLimits.descriptionMaxLength)
  description?: string;

  @IsOptional() @IsArray() @ArrayMaxSize(manifestLimits.promptArgumentsMax)
  @ValidateNested({ each: true }) @Type(() => PromptArgumentDto)
  arguments?: PromptArgumentDto[];
}

export type ResourceDefinition = ResourceDefinitionDto;
export type ResourceTemplateDefinition = ResourceTemplateDefinitionDto;
export type PromptDefinition = PromptDefinitionDto;
