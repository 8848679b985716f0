// class-transformer's @Type reads design-time metadata.
import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  IsBoolean, IsIn, IsNotEmpty, IsObject, IsOptional, IsString, Matches, MaxLength, ValidateNested,
} from 'class-validator';
import { COST_CLASSES, type CostClass } from './cost-class';
import { CAPABILITY_NAME_PATTERN, manifestLimits, SEMVER_PATTERN } from './manifest-limits';
import { ToolAnnotationsDto } from './tool-annotations.dto';

export type JsonSchemaObject = Record<string, unknown>;

/** One tool a node offers. Schemas are JSON Schema objects, checked for validity separately. */
export class CapabilityDefinitionDto {
  @IsString() @IsNotEmpty() @MaxLength(manifestLimits.capabilityNameMaxLength)
  @Matches(CAPABILITY_NAME_PATTERN, {
    message: 'name must be lowercase dotted segments such as "file.search" (letters, digits, "_" and "-")',
  })
  name!: string;

  @IsString() @IsNotEmpty() @MaxLength(manifestLimits.descriptionMaxLength)
  description!: string;

  @IsObject({ message: 'inputSchema must be a JSON Schema object, e.g. {"type":"object"}' })
  inputSchema!: JsonSchemaObject;

  @IsOptional() @IsObject({ message: 'outputSchema must be a JSON Schema object when given' })
  outputSchema?: JsonSchemaObject;

  @IsOptional() @ValidateNested() @Type(() => ToolAnnotationsDto)
  annotations?: ToolAnnotationsDto;

  @IsString() @Matches(SEMVER_PATTERN, { message: 'version must be semantic, e.g. "1.0.0"' })
  version!: string;

  @IsIn(COST_CLASSES, { message: `costClass must be one of: ${COST_CLASSES.join(', ')}` })
  costClass!: CostClass;

  /** May the router send this call to a cloud node when the edge is saturated. */
  @IsOptional() @IsBoolean()
  offloadable?: boolean;
}
