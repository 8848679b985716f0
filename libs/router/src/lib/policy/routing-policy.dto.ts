// class-transformer's @Type reads design-time metadata.
import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, IsArray, IsBoolean, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested,
} from 'class-validator';
import { manifestLimits, NODE_ID_PATTERN } from '@pimcp/protocol';
import { PreferRuleDto } from './prefer-rule.dto';

export const routingPolicyLimits = {
  rulesPerList: 32,
  maxQueued: 100_000,
  queueTimeoutMs: 600_000,
} as const;

/** One capability's routing policy as written in YAML or sent to the admin API. */
export class RoutingPolicyDto {
  /** Nodes matching a selector gain its weight; a bare string is a rule of weight 10. */
  @IsOptional() @IsArray({ message: 'prefer must be a list of selectors or {selector, weight} rules' })
  @ArrayMaxSize(routingPolicyLimits.rulesPerList) @ValidateNested({ each: true }) @Type(() => PreferRuleDto)
  prefer?: PreferRuleDto[];

  /** Only nodes matching every selector may run the capability. */
  @IsOptional() @IsArray({ message: 'require must be a list of label selectors, e.g. ["region=tokyo"]' })
  @ArrayMaxSize(routingPolicyLimits.rulesPerList) @IsString({ each: true, message: 'each require entry must be a label selector string' })
  require?: string[];

  /** Round-robin among the eligible nodes instead of taking the best score. */
  @IsOptional() @IsBoolean()
  spread?: boolean;

  /** Always this node (still subject to `require`, health and concurrency). */
  @IsOptional() @IsString() @MaxLength(manifestLimits.nodeIdMaxLength)
  @Matches(NODE_ID_PATTERN, { message: 'pin must be a node id such as "pi-1" (lowercase letters, digits and "-")' })
  pin?: string;

  /** Arguments larger than this (bytes) send an offloadable call to a cloud node; overrides the router default. */
  @IsOptional() @IsInt({ message: 'offloadInputBytes must be a whole number of bytes' }) @Min(0)
  offloadInputBytes?: number;

  /** Hedge calls of this (read-only) capability past its p95 latency; overrides the executor default. */
  @IsOptional() @IsBoolean()
  hedge?: boolean;

  /** Calls of this capability that may wait for a free node; overrides the executor default. */
  @IsOptional() @IsInt() @Min(0) @Max(routingPolicyLimits.maxQueued)
  maxQueued?: number;

  /** How long such a call waits before it is refused; overrides the executor default. */
  @IsOptional() @IsInt() @Min(0) @Max(routingPolicyLimits.queueTimeoutMs)
  queueTimeoutMs?: number;
}
