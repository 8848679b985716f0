import { manifestLimits, NODE_ID_PATTERN } from '@pimcp/protocol';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/** Body of enable/disable: a node id, or nothing for every node. */
export class CapabilitySwitchDto {
  @IsOptional() @IsString() @MaxLength(manifestLimits.nodeIdMaxLength)
  @Matches(NODE_ID_PATTERN, { message: 'node must be a node id such as "pi-kitchen-1"; omit it to switch the capability on every node' })
  node?: string;
}
