import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import { manifestLimits } from './manifest-limits';

/** MCP tool annotations (hints to clients and to the router's retry rules). */
export class ToolAnnotationsDto {
  @IsOptional() @IsString() @MaxLength(manifestLimits.titleMaxLength)
  title?: string;

  @IsOptional() @IsBoolean()
  readOnlyHint?: boolean;

  @IsOptional() @IsBoolean()
  destructiveHint?: boolean;

  @IsOptional() @IsBoolean()
  idempotentHint?: boolean;

  @IsOptional() @IsBoolean()
  openWorldHint?: boolean;
}
