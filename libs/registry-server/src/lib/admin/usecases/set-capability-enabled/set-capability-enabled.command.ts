import { CAPABILITY_NAME_PATTERN, ErrorCode, manifestLimits, NODE_ID_PATTERN, PimcpError } from '@pimcp/protocol';

/** Turn one capability on or off, on one node or (node absent) everywhere. */
export class SetCapabilityEnabledCommand {
  private constructor(readonly name: string, readonly enabled: boolean, readonly node?: string) {}

  static create(name: string, enabled: boolean, node?: string): SetCapabilityEnabledCommand {
    if (name.length > manifestLimits.capabilityNameMaxLength || !CAPABILITY_NAME_PATTERN.test(name)) {
      throw new PimcpError(ErrorCode.InvalidRequest, `"${name.slice(0, 80)}" is not a capability name; use lowercase dotted names such as file.search`);
    }
    if (node !== undefined && !NODE_ID_PATTERN.test(node)) {
      throw new PimcpError(ErrorCode.InvalidRequest, 'node must be a node id such as "pi-kitchen-1"');
    }
    return new SetCapabilityEnabledCommand(name, enabled, node);
  }
}
