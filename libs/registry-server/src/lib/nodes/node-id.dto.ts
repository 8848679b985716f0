import { manifestLimits, NODE_ID_PATTERN } from '@pimcp/protocol';
import { IsString, Matches, MaxLength } from 'class-validator';

/** Body of heartbeat and leave messages. */
export class NodeIdDto {
  @IsString() @MaxLength(manifestLimits.nodeIdMaxLength)
  @Matches(NODE_ID_PATTERN, { message: 'nodeId must be a DNS label such as "pi-kitchen-1"' })
  nodeId!: string;
}
